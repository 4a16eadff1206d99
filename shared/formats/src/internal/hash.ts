import { sha256Hex } from '@ztv/events';
import { isRecord } from './json';

/** JSON with object keys sorted, so equal records hash equally whatever order their fields came in. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isRecord(v)) {
    const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** A short, stable content id: 32 hex characters (128 bits) of SHA-256. */
export function contentId(v: unknown): string {
  return sha256Hex(typeof v === 'string' ? v : canonicalJson(v)).slice(0, 32);
}
