import { isRecord, rec, type JsonRecord } from './json';

/** Secret data keys that hold public material (certificates) and may be kept. Everything else is dropped. */
const PUBLIC_KEYS = new Set(['tls.crt', 'ca.crt']);
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * A copy of a Secret (or SecretList, or a merge patch of one) without its secret values: `data` keeps only
 * certificates, `stringData` and the last-applied annotation (which repeats the data) are dropped.
 * ztv never needs a key, a token or a password, so it never holds one.
 */
export function redactSecret(obj: JsonRecord): JsonRecord {
  const out: JsonRecord = { ...obj };
  if (Array.isArray(out.items)) out.items = out.items.map((i) => (isRecord(i) ? redactSecret(i) : i));
  const data = rec(obj, 'data');
  if (data) out.data = Object.fromEntries(Object.entries(data).filter(([k]) => PUBLIC_KEYS.has(k)));
  else delete out.data;
  delete out.stringData;
  const meta = rec(obj, 'metadata');
  const annotations = rec(meta, 'annotations');
  if (meta && annotations && LAST_APPLIED in annotations) {
    const { [LAST_APPLIED]: _dropped, ...rest } = annotations;
    out.metadata = { ...meta, annotations: rest };
  }
  return out;
}

/** A JSON Patch against a Secret with every value under /data or /stringData replaced, certificates aside. */
export function redactSecretPatch(ops: unknown[]): unknown[] {
  return ops.map((op) => {
    if (!isRecord(op) || typeof op.path !== 'string') return op;
    const path = op.path.replace(/~1/g, '/').replace(/~0/g, '~');
    if (path === '/data' || path === '/stringData' || path.startsWith('/stringData/')) return { ...op, value: '[redacted]' };
    if (path.startsWith('/data/') && !PUBLIC_KEYS.has(path.slice(6))) return { ...op, value: '[redacted]' };
    if (path.startsWith('/metadata/annotations')) return { ...op, value: '[redacted]' };
    return op;
  });
}
