import { decodeRecord, type ConsumedRecord } from '@ztv/bus';
import { signal, type Signal } from '@ztv/events';

export type DecodedSignal = { ok: true; signal: Signal } | { ok: false; reason: string };

export function decodeSignal(r: ConsumedRecord): DecodedSignal {
  const d = decodeRecord(r, signal, 'signal');
  return d.ok ? { ok: true, signal: d.value } : d;
}
