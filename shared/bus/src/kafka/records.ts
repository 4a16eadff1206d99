import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { ConsumedRecord } from '../types';

export function toConsumedRecord(topic: string, partition: number, m: KafkaMessage): ConsumedRecord {
  return {
    topic,
    partition,
    offset: m.offset,
    key: m.key === null ? null : m.key.toString(),
    value: m.value,
    headers: headersOf(m.headers),
    timestamp: m.timestamp,
  };
}

/** Header values as strings; a repeated header keeps its last value. */
function headersOf(raw: IHeaders | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(raw ?? {})) {
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (last !== undefined) out[name] = last.toString();
  }
  return out;
}
