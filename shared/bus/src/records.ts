import {
  cloudEventHeaders,
  recordKeyOf,
  sha256Hex,
  topicCatalog,
  topicForEventType,
  type DeadLetter,
  type TopicId,
  type TopicNames,
  type ZtvEvent,
} from '@ztv/events';
import type { ProducedRecord, TopicSpec } from './types';

/** An event as a Kafka record: its type's topic, the record key of DESIGN §3, CloudEvents headers, JSON body. */
export function encodeEvent(topics: TopicNames, e: ZtvEvent, traceparent?: string): ProducedRecord {
  return {
    topic: topics[topicForEventType[e.type]],
    key: recordKeyOf(e),
    value: JSON.stringify(e),
    headers: cloudEventHeaders(e, traceparent),
  };
}

export interface DeadLetterInput {
  source: string;
  stage: DeadLetter['stage'];
  reason: string;
  raw: Buffer | string;
  origin?: DeadLetter['origin'];
  /** Defaults to now; pass the caller's clock where it has one. */
  time?: Date;
}

/**
 * A record for ztv.deadletter.v1. The id depends only on the payload, the stage and the reason, so a replayed
 * failure produces the same dead letter again rather than a new one.
 */
export function deadLetterRecord(topics: TopicNames, d: DeadLetterInput): ProducedRecord {
  const raw = typeof d.raw === 'string' ? Buffer.from(d.raw) : d.raw;
  const id = sha256Hex(Buffer.concat([raw, Buffer.from(`\n${d.stage}\n${d.reason}`)]));
  const time = (d.time ?? new Date()).toISOString();
  const letter: DeadLetter = {
    id,
    source: d.source,
    stage: d.stage,
    reason: d.reason,
    rawBase64: raw.toString('base64'),
    ...(d.origin ? { origin: d.origin } : {}),
    time,
  };
  return {
    topic: topics.deadletter,
    key: id,
    value: JSON.stringify(letter),
    headers: {
      ce_specversion: '1.0',
      ce_id: id,
      ce_type: 'io.ztv.deadletter.v1',
      ce_source: `/ztv/${d.source}`,
      ce_time: time,
      'content-type': 'application/json',
    },
  };
}

/** Every topic of the catalog with one partition count (they co-partition) and its cleanup policy. */
export function topicSpecs(names: TopicNames, partitions: number, replicationFactor?: number): TopicSpec[] {
  return (Object.keys(topicCatalog) as TopicId[]).map((id) => ({
    name: names[id],
    partitions,
    compacted: topicCatalog[id].compacted,
    ...(replicationFactor === undefined ? {} : { replicationFactor }),
  }));
}
