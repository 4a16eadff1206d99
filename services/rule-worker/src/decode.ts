import { decodeRecord, type ConsumedRecord } from '@ztv/bus';
import { ztvEvent, type ZtvEvent } from '@ztv/events';

export type Decoded = { ok: true; event: ZtvEvent } | { ok: false; reason: string };

/** A consumed record → a validated event, or the reason it is not one (for the dead-letter topic). */
export function decodeEvent(r: ConsumedRecord): Decoded {
  const d = decodeRecord(r, ztvEvent, 'ztv event');
  return d.ok ? { ok: true, event: d.value } : d;
}
