import { ztvEvent, type ZtvEvent } from '@ztv/events';
import type { ConsumedRecord } from '@ztv/bus';

export type Decoded = { ok: true; event: ZtvEvent } | { ok: false; reason: string };

/** A consumed record → a validated event, or the reason it is not one (for the dead-letter topic). */
export function decodeEvent(r: ConsumedRecord): Decoded {
  if (!r.value || r.value.length === 0) return { ok: false, reason: 'empty record value (tombstone or truncated write)' };
  let json: unknown;
  try {
    json = JSON.parse(r.value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `value is not JSON: ${(err as Error).message}` };
  }
  const parsed = ztvEvent.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { ok: false, reason: `not a valid ztv event: ${first.join('; ')}` };
  }
  return { ok: true, event: parsed.data };
}
