import { fail, itemsOf, SKIP, type Out } from '../internal/emit';
import { arr, isRecord, str } from '../internal/json';
import type { ParseContext, ParseItem } from '../types';
import { readCertificate } from './certificate';
import { certEvent } from './pem';

const FORMAT = 'spiffe-bundle' as const;

/**
 * A SPIFFE trust bundle (JWKS, as `spire-server bundle show -format spiffe` prints it) → one `bundle` cert
 * event per X.509 authority (`use: x509-svid`, `x5c[0]`). JWT authorities carry no certificate and are skipped.
 */
export function parseSpiffeBundle(v: unknown, ctx: ParseContext): ParseItem[] {
  return itemsOf(spiffeBundleRecord(v, ctx));
}

/** The engine's form of parseSpiffeBundle: JWT authorities are counted skips. */
export function spiffeBundleRecord(v: unknown, ctx: ParseContext): Out[] {
  const keys = arr(v, 'keys');
  if (!keys) return [fail(ctx, FORMAT, 'SPIFFE bundle without keys[]', JSON.stringify(v)?.slice(0, 200))];
  const origin = { kind: 'spire' as const, ...(ctx.file ? { path: ctx.file } : {}) };
  return keys.flatMap((k, i): Out[] => {
    if (!isRecord(k)) return [fail(ctx, FORMAT, `keys[${i}] is not an object`)];
    if (str(k, 'use') === 'jwt-svid') return [str(k, 'kid') ? SKIP : fail(ctx, FORMAT, `keys[${i}]: jwt-svid key without kid`)];
    if (str(k, 'use') !== 'x509-svid') return [SKIP];
    const x5c = arr(k, 'x5c') ?? [];
    // The SPIFFE bundle format: an x509-svid key's x5c holds exactly one certificate, the authority.
    if (x5c.length !== 1) return [fail(ctx, FORMAT, `keys[${i}]: x509-svid key must hold exactly one x5c certificate, has ${x5c.length}`)];
    const first = x5c[0];
    if (typeof first !== 'string') return [fail(ctx, FORMAT, `keys[${i}]: x5c[0] is not a string`)];
    if (!/^[A-Za-z0-9+/=]+$/.test(first)) return [fail(ctx, FORMAT, `keys[${i}]: x5c[0] is not base64`, first.slice(0, 80))];
    const r = readCertificate(Buffer.from(first, 'base64'));
    if (!r.ok) return [fail(ctx, FORMAT, `keys[${i}]: ${r.reason}`, first.slice(0, 80))];
    return [certEvent(ctx, FORMAT, r.cert, 'bundle', origin)];
  });
}
