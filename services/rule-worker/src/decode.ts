import { decodeRecord, type ConsumedRecord } from '@ztv/bus';
import { safeParseZtvEventJson, ztvEvent, type ZtvEvent } from '@ztv/events';

export type Decoded = { ok: true; event: ZtvEvent } | { ok: false; reason: string };

/**
 * A consumed record → a validated event, or the reason it is not one (for the dead-letter topic). Valid events take
 * the compiled fast path (safeParseZtvEventJson: exactly what ztvEvent returns); anything else goes through the shared
 * decodeRecord, so a rejected record gets the same reason as every other consumer gives.
 */
export function decodeEvent(r: ConsumedRecord): Decoded {
  if (r.value && r.value.length) {
    let json: unknown;
    try {
      json = JSON.parse(r.value.toString('utf8'));
    } catch {
      json = undefined; // decodeRecord says why
    }
    if (json !== undefined) {
      const parsed = safeParseZtvEventJson(json);
      if (parsed.success) return { ok: true, event: parsed.data };
    }
  }
  const d = decodeRecord(r, ztvEvent, 'ztv event');
  return d.ok ? { ok: true, event: d.value } : d;
}
