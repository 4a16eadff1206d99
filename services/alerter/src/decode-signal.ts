import type { ConsumedRecord } from '@ztv/bus';
import { signal, type Signal } from '@ztv/events';

export type DecodedSignal = { ok: true; signal: Signal } | { ok: false; reason: string };

export function decodeSignal(r: ConsumedRecord): DecodedSignal {
  if (!r.value || r.value.length === 0) return { ok: false, reason: 'empty record value' };
  let json: unknown;
  try {
    json = JSON.parse(r.value.toString('utf8'));
  } catch (err) {
    return { ok: false, reason: `value is not JSON: ${(err as Error).message}` };
  }
  const parsed = signal.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    return { ok: false, reason: `not a valid signal: ${first.join('; ')}` };
  }
  return { ok: true, signal: parsed.data };
}
