import type { z } from 'zod';
import type { ConsumedRecord } from './types';

export type Decoded<T> = { ok: true; value: T } | { ok: false; reason: string };

/**
 * A consumed record → a value validated by `schema`, or the reason it is not one (for the dead-letter topic).
 * Never throws: a bad record must not kill a consumer loop.
 */
export function decodeRecord<S extends z.ZodType>(r: ConsumedRecord, schema: S, what: string): Decoded<z.infer<S>> {
  if (!r.value || r.value.length === 0) return { ok: false, reason: 'empty record value (tombstone or truncated write)' };
  let json: unknown;
  try {
    json = JSON.parse(r.value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `value is not JSON: ${(err as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { ok: false, reason: `not a valid ${what}: ${first.join('; ')}` };
  }
  return { ok: true, value: parsed.data };
}
