import { X509Certificate } from 'node:crypto';
import { BasicConstraintsExtension, X509Certificate as PeculiarCertificate } from '@peculiar/x509';
import type { CertData } from '@ztv/events';

/** What ztv keeps of one X.509 certificate (no key material: a certificate has none). */
export type CertFacts = Omit<CertData, 'role' | 'origin'> & { notBefore: string; fingerprintSha256: string };

export type CertRead = { ok: true; cert: CertFacts } | { ok: false; reason: string };

/** Reads a DER certificate with node:crypto; rejects trailing or missing bytes, which OpenSSL would let pass. */
export function readCertificate(der: Buffer): CertRead {
  const expected = derLength(der);
  if (expected === undefined) return { ok: false, reason: 'not a DER certificate (no outer SEQUENCE)' };
  if (expected !== der.length) {
    const how = expected > der.length ? `truncated (${expected - der.length} bytes missing)` : `${der.length - expected} stray bytes after it`;
    return { ok: false, reason: `corrupt certificate: ${how}` };
  }
  let c: X509Certificate;
  try {
    c = new X509Certificate(der);
  } catch (e) {
    return { ok: false, reason: `unreadable certificate: ${e instanceof Error ? e.message : String(e)}` };
  }
  const notBefore = isoDate(c.validFrom);
  const notAfter = isoDate(c.validTo);
  if (!notBefore || !notAfter) return { ok: false, reason: 'certificate validity dates out of range' };
  const sans = parseSubjectAltName(c.subjectAltName ?? '');
  return {
    ok: true,
    cert: {
      fingerprintSha256: c.fingerprint256.replace(/:/g, '').toLowerCase(),
      serialNumber: c.serialNumber.toLowerCase(),
      subject: oneLine(c.subject),
      issuer: oneLine(c.issuer),
      notBefore,
      notAfter,
      isCA: basicConstraintsCA(der) ?? c.ca,
      spiffeIds: sans.filter((s) => s.type === 'URI' && s.value.startsWith('spiffe://')).map((s) => s.value),
      dnsNames: sans.filter((s) => s.type === 'DNS').map((s) => s.value),
    },
  };
}

/**
 * The basicConstraints cA flag as written. node:crypto's `ca` is OpenSSL's X509_check_ca, which also says
 * false for a CA:TRUE certificate without keyCertSign — and such a leaf is exactly what SPIFFE rules must see.
 */
function basicConstraintsCA(der: Buffer): boolean | undefined {
  try {
    const ext = new PeculiarCertificate(new Uint8Array(der)).getExtension(BasicConstraintsExtension);
    return ext ? ext.ca : false;
  } catch {
    return undefined;
  }
}

/** Total length (header + content) of the outer DER SEQUENCE, or undefined when it is not one. */
function derLength(b: Buffer): number | undefined {
  if (b.length < 2 || b[0] !== 0x30) return undefined;
  const first = b[1] ?? 0;
  if ((first & 0x80) === 0) return 2 + first;
  const n = first & 0x7f;
  if (n < 1 || n > 4 || b.length < 2 + n) return undefined;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + (b[2 + i] ?? 0);
  return 2 + n + len;
}

/** node:crypto's `URI:spiffe://a, DNS:b` (values with separators are JSON-quoted since Node 17). */
export function parseSubjectAltName(s: string): { type: string; value: string }[] {
  const out: { type: string; value: string }[] = [];
  const re = /([A-Za-z][A-Za-z ]*):("(?:[^"\\]|\\.)*"|[^,]*)(?:, |$)/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m[0] === '') break;
    const raw = m[2] ?? '';
    let value = raw;
    if (raw.startsWith('"')) {
      try {
        value = JSON.parse(raw) as string;
      } catch {
        value = raw.slice(1, -1);
      }
    }
    out.push({ type: (m[1] ?? '').trim(), value });
  }
  return out;
}

function oneLine(dn: string): string {
  return dn.split('\n').filter(Boolean).join(', ');
}

function isoDate(s: string): string | undefined {
  const ms = Date.parse(s);
  if (!Number.isFinite(ms)) return undefined;
  const d = new Date(ms);
  return d.getUTCFullYear() > 9999 ? undefined : d.toISOString();
}
