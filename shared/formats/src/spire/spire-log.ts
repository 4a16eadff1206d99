import type { CertData } from '@ztv/events';
import type { LineParser } from '../engine/handler';
import { emit, fail, itemsOf, placeOne, SKIP, type Out } from '../internal/emit';
import { isRecord, parseJson } from '../internal/json';
import { logfmt } from '../internal/logfmt';
import { compact } from '../internal/net';
import { toRfc3339 } from '../internal/time';
import type { ParseContext, ParseItem } from '../types';

const FORMAT = 'spire-log' as const;

/** SPIRE messages that record an X.509 SVID or CA being issued or rotated, and what they are. */
const SVID_MESSAGES: Record<string, 'svid' | 'ca-svid' | 'renewing' | 'server-ca'> = {
  'Signed X509 SVID': 'svid', // server: a workload, agent or server SVID was signed (expiration=, serial_num=)
  'Signed X509 CA SVID': 'ca-svid', // server: a downstream / nested SPIRE CA was signed
  'Renewing X509-SVID': 'renewing', // agent: rotating a workload SVID; expires_at is the current one's
  'X509 CA prepared': 'server-ca', // server: the next signing CA (issued_at=, expiration=)
  'X509 CA activated': 'server-ca', // server: that CA now signs
};

/**
 * SPIRE server / agent logs (logrus text `time="..." level=... msg="..." key=value`, or JSON) → `cert` events
 * for the lines that record signing or rotating SVIDs and CAs and say when the certificate expires. Lines
 * about anything else, or without an expiry (a cert event needs notAfter), are skipped, not errors;
 * a line that starts like JSON but is not is an error.
 */
export function spireParser(ctx: ParseContext): LineParser {
  return { line: (text, pos) => [placeOne(spireRecord(text, ctx), pos)], end: () => [] };
}

/** One SPIRE log line → a cert event, an error, or nothing (a line not about an SVID or CA with an expiry). */
export function parseSpireLogLine(line: string, ctx: ParseContext): ParseItem[] {
  return itemsOf(spireRecord(line, ctx));
}

function spireRecord(line: string, ctx: ParseContext): Out {
  if (line.trim() === '') return SKIP;
  let f: Record<string, string>;
  if (line.trim().startsWith('{')) {
    const j = parseJson(line);
    if (!j.ok) return fail(ctx, FORMAT, j.reason, line);
    if (!isRecord(j.value)) return fail(ctx, FORMAT, 'not a SPIRE log record: expected a JSON object', line);
    f = {};
    for (const [k, v] of Object.entries(j.value)) if (['string', 'number', 'boolean'].includes(typeof v)) f[k] = String(v);
  } else f = logfmt(line);
  const what = SVID_MESSAGES[f.msg ?? f.message ?? ''];
  if (!what) return SKIP;
  const notAfter = toRfc3339(f.expiration ?? f.expires_at);
  if (!notAfter) return SKIP;
  const notBefore = what === 'server-ca' ? toRfc3339(f.issued_at) : undefined;
  const spiffeId = f.spiffe_id?.startsWith('spiffe://') ? f.spiffe_id : undefined;
  const isCA = what === 'ca-svid' || what === 'server-ca' || f.is_ca === 'true';
  const serialNumber = hexSerial(f.serial_num ?? f.serial_number);
  const subjectKey = what === 'server-ca' ? `ca:${f.local_authority_id ?? f.slot ?? ''}` : (serialNumber ?? spiffeId ?? '');
  const role: CertData['role'] = isCA ? 'ca' : 'workload';
  return emit(ctx, FORMAT, {
    type: 'cert',
    id: `spire:${subjectKey}@${notBefore ?? ''}..${notAfter}`,
    time: toRfc3339(f.time),
    data: compact({
      serialNumber,
      notBefore,
      notAfter,
      isCA,
      role,
      spiffeIds: spiffeId ? [spiffeId] : [],
      dnsNames: [],
      origin: compact({ kind: 'spire' as const, node: ctx.node, namespace: ctx.namespace, pod: ctx.pod }),
    }),
  });
}

/** SPIRE logs serials in decimal; Envoy and X.509 tooling use hex. ztv keeps lower-case hex throughout. */
function hexSerial(s: string | undefined): string | undefined {
  if (!s) return undefined;
  if (/^\d{1,80}$/.test(s)) return BigInt(s).toString(16);
  return /^[0-9a-fA-F:]+$/.test(s) ? s.replace(/:/g, '').toLowerCase() : undefined;
}
