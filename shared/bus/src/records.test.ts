import { describe, expect, it } from 'vitest';
import { deadLetter, topicNames, ztvEvent, type ZtvEvent } from '@ztv/events';
import { partitionForKey } from './partitioner';
import { deadLetterRecord, encodeEvent, topicSpecs, type DeadLetterInput } from './records';

const topics = topicNames('t1.');

const pod: ZtvEvent = {
  id: 'uid-1:42',
  type: 'k8s.resource',
  cluster: 'prod',
  source: 'kube-watch',
  time: '2025-01-01T00:00:00Z',
  observedAt: '2025-01-01T00:00:01Z',
  data: {
    op: 'upsert',
    apiVersion: 'v1',
    kind: 'Pod',
    namespace: 'payments',
    name: 'api-0',
    uid: 'uid-1',
    resourceVersion: '42',
    object: { metadata: { name: 'api-0' } },
  },
};

describe('partitionForKey', () => {
  // Expected values computed with Kafka's own org.apache.kafka.common.utils.Utils.murmur2 (kafka-clients 3.9.1).
  it('matches the Java client for partition keys', () => {
    expect(partitionForKey('prod/payments', 6)).toBe(0);
    expect(partitionForKey('prod/_cluster', 6)).toBe(2);
    expect(partitionForKey('prod/_node/worker-1', 12)).toBe(1);
  });

  it('hashes only the namespace part of an object key', () => {
    // The Java default partitioner puts the whole key 'prod/payments/Pod/api-0' on partition 4 of 6.
    expect(partitionForKey('prod/payments/Pod/api-0', 6)).toBe(0);
    expect(partitionForKey('prod/payments/NetworkPolicy/default-deny', 12)).toBe(0);
  });
});

describe('encodeEvent', () => {
  it('keys a resource per object, on its type topic, with CloudEvents headers', () => {
    const r = encodeEvent(topics, pod, '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(r.topic).toBe('t1.ztv.resources.v1');
    expect(r.key).toBe('prod/payments/Pod/api-0');
    expect(r.headers).toMatchObject({
      ce_id: 'uid-1:42',
      ce_type: 'io.ztv.k8s.resource.v1',
      'content-type': 'application/json',
    });
    expect(r.headers?.traceparent).toMatch(/^00-/);
    expect(ztvEvent.parse(JSON.parse(String(r.value)))).toEqual(pod);
  });
});

describe('deadLetterRecord', () => {
  const input: DeadLetterInput = {
    source: 'audit-webhook',
    stage: 'parse',
    reason: 'not JSON',
    raw: Buffer.from([0xff, 0x00, 0x7b]),
  };

  it('carries the raw bytes and validates against the dead-letter schema', () => {
    const r = deadLetterRecord(topics, {
      ...input,
      origin: { topic: 'x', partition: 1, offset: '7' },
      time: new Date(0),
    });
    expect(r.topic).toBe('t1.ztv.deadletter.v1');
    const letter = deadLetter.parse(JSON.parse(String(r.value)));
    expect(Buffer.from(letter.rawBase64, 'base64')).toEqual(input.raw);
    expect(letter).toMatchObject({
      stage: 'parse',
      reason: 'not JSON',
      time: '1970-01-01T00:00:00.000Z',
      origin: { offset: '7' },
    });
    expect(r.key).toBe(letter.id);
    expect(r.headers?.ce_type).toBe('io.ztv.deadletter.v1');
  });

  it('gives a replayed failure the same id and another failure another id', () => {
    const id = (d: DeadLetterInput) => deadLetterRecord(topics, d).key;
    expect(id(input)).toBe(id({ ...input }));
    expect(id(input)).not.toBe(id({ ...input, reason: 'too large' }));
    expect(id(input)).not.toBe(id({ ...input, stage: 'validate' }));
  });
});

describe('topicSpecs', () => {
  it('gives every catalog topic one partition count and compacts the resource tables', () => {
    const specs = topicSpecs(topics, 6, 3);
    expect(specs).toHaveLength(8);
    expect(specs.every((s) => s.partitions === 6 && s.replicationFactor === 3)).toBe(true);
    expect(
      specs
        .filter((s) => s.compacted)
        .map((s) => s.name)
        .sort(),
    ).toEqual(['t1.ztv.global.v1', 't1.ztv.resources.v1']);
  });
});
