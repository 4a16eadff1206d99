import type { CertData } from '@ztv/events';
import { emit, fail, itemsOf, SKIP, within, type Out } from '../internal/emit';
import { arr, isRecord, str, type JsonRecord } from '../internal/json';
import { compact } from '../internal/net';
import { toRfc3339 } from '../internal/time';
import type { ParseContext, ParseItem } from '../types';

const FORMAT = 'envoy-certs' as const;

/**
 * Envoy admin `/certs` → `cert` events: `ca_cert[]` entries are the trust bundle the proxy validates peers
 * with (role `bundle`), `cert_chain[0]` is the proxy's own certificate (`workload`, its SVID under Istio or
 * SPIRE SDS), later chain entries are intermediates (`ca`). The admin output has no DER, so there is no
 * fingerprint: serial + SAN + validity identify a certificate. An empty list (no SVID yet) yields nothing.
 */
export function parseEnvoyCerts(v: unknown, ctx: ParseContext): ParseItem[] {
  return itemsOf(envoyCertsRecord(v, ctx));
}

/** The engine's form of parseEnvoyCerts: an empty list is a counted skip. */
export function envoyCertsRecord(v: unknown, ctx: ParseContext): Out[] {
  const certificates = arr(v, 'certificates');
  if (!certificates) return [fail(ctx, FORMAT, 'not an Envoy /certs document: no certificates[]', JSON.stringify(v)?.slice(0, 200))];
  if (certificates.length === 0) return [SKIP];
  return certificates.flatMap((entry, i) => {
    if (!isRecord(entry)) return [fail(ctx, FORMAT, `certificates[${i}] is not an object`)];
    const cas = listOf(entry.ca_cert).map((c, j) => within([certOf(c, 'bundle', ctx)], `certificates[${i}].ca_cert[${j}]`)[0] as Out);
    const chain = listOf(entry.cert_chain).map(
      (c, j) => within([certOf(c, j === 0 ? 'workload' : 'ca', ctx)], `certificates[${i}].cert_chain[${j}]`)[0] as Out,
    );
    return [...cas, ...chain];
  });
}

/** Newer Envoy prints arrays; older releases printed a single object. */
function listOf(x: unknown): unknown[] {
  return Array.isArray(x) ? x : isRecord(x) ? [x] : [];
}

function certOf(c: unknown, role: CertData['role'], ctx: ParseContext): Out {
  if (!isRecord(c)) return fail(ctx, FORMAT, 'certificate entry is not an object');
  const notAfter = toRfc3339(c.expiration_time);
  if (!notAfter) return fail(ctx, FORMAT, 'certificate without a valid expiration_time', JSON.stringify(c).slice(0, 200));
  const notBefore = toRfc3339(c.valid_from);
  const sans = sansOf(c);
  const spiffeIds = sans.uri.filter((u) => u.startsWith('spiffe://'));
  const serial = str(c, 'serial_number')?.toLowerCase();
  const path = str(c, 'path');
  const name = spiffeIds[0] ?? sans.dns[0] ?? '';
  return emit(ctx, FORMAT, {
    type: 'cert',
    id: `envoy-certs:${serial ?? ''}:${name}@${notBefore ?? ''}..${notAfter}`,
    data: compact({
      serialNumber: serial,
      notBefore,
      notAfter,
      isCA: role !== 'workload',
      role,
      spiffeIds,
      dnsNames: sans.dns,
      origin: compact({
        kind: 'envoy-certs' as const,
        namespace: ctx.namespace,
        pod: ctx.pod,
        node: ctx.node,
        path: path && path !== '<inline>' ? path : undefined,
      }),
    }),
  });
}

function sansOf(c: JsonRecord): { uri: string[]; dns: string[] } {
  const uri: string[] = [];
  const dns: string[] = [];
  for (const s of arr(c, 'subject_alt_names') ?? []) {
    const u = str(s, 'uri');
    const d = str(s, 'dns');
    if (u) uri.push(u);
    if (d) dns.push(d);
  }
  return { uri, dns };
}
