import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TopicMismatchError } from './errors';
import { partitionForKey } from './partitioner';
import type {
  ConsumeOptions,
  ConsumedRecord,
  Consumer,
  EventLog,
  PartitionAssignment,
  ProducedRecord,
} from './types';

const uid = (): string => randomUUID().slice(0, 8);
const text = (r: ConsumedRecord): string => r.value?.toString() ?? '';

/** Polls `check` until it returns true; fails with `what` after `ms`. */
export async function waitFor(what: string, check: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * The behaviour every EventLog adapter must have. Each test uses its own topics and groups, so the suite can run
 * against a shared broker.
 */
export function eventLogContract(name: string, makeLog: () => EventLog | Promise<EventLog>): void {
  describe(`EventLog contract: ${name}`, () => {
    let log: EventLog;
    beforeEach(async () => {
      log = await makeLog();
    });
    afterEach(async () => {
      await log.close();
    });

    async function newTopic(partitions: number, compacted = false): Promise<string> {
      const topic = `ztv-test-${uid()}`;
      await log.ensureTopics([{ name: topic, partitions, compacted }]);
      return topic;
    }
    async function send(records: ProducedRecord[]): Promise<void> {
      const p = await log.producer();
      await p.send(records);
      await p.close();
    }
    /** Starts a consumer that keeps what it handled in `seen`. */
    async function collect(
      topic: string,
      groupId: string,
      seen: ConsumedRecord[],
      more: Partial<ConsumeOptions> = {},
    ): Promise<Consumer> {
      return log.consume({
        groupId,
        topics: [topic],
        fromBeginning: true,
        handleBatch: async (b) => {
          seen.push(...b.records);
        },
        ...more,
      });
    }

    it('delivers key, value and headers, in order per key, and reports the assignment', async () => {
      const topic = await newTopic(3);
      const values = ['a0', 'a1', 'a2', 'a3'];
      await send([
        ...values.map((value) => ({
          topic,
          key: 'prod/ns-a',
          value,
          headers: { traceparent: `tp-${value}` },
        })),
        { topic, key: 'prod/ns-b', value: Buffer.from([0, 1, 2, 255]) },
      ]);
      const seen: ConsumedRecord[] = [];
      const assignments: PartitionAssignment[][] = [];
      await collect(topic, `g-${uid()}`, seen, { onAssigned: (a) => void assignments.push(a) });
      await waitFor('5 records', () => seen.length >= 5);

      const a = seen.filter((r) => r.key === 'prod/ns-a');
      expect(a.map(text)).toEqual(values);
      expect(a.map((r) => r.headers)).toEqual(values.map((v) => ({ traceparent: `tp-${v}` })));
      expect(new Set(a.map((r) => r.partition)).size).toBe(1);
      expect(a.map((r) => BigInt(r.offset))).toEqual(
        [...a.map((r) => BigInt(r.offset))].sort((x, y) => (x < y ? -1 : 1)),
      );
      const b = seen.find((r) => r.key === 'prod/ns-b');
      expect(b?.value).toEqual(Buffer.from([0, 1, 2, 255]));
      expect(b?.headers).toEqual({});
      expect(b?.topic).toBe(topic);
      expect(Math.abs(Number(b?.timestamp) - Date.now())).toBeLessThan(60_000);
      expect(assignments.at(-1)).toEqual([{ topic, partitions: [0, 1, 2] }]);
    });

    it('puts object keys on the partition of their namespace key', async () => {
      const partitions = 6;
      const topic = await newTopic(partitions);
      const keys = [
        'prod/payments',
        'prod/payments/Pod/api-0',
        'prod/payments/NetworkPolicy/default-deny',
        'prod/_node/worker-1',
      ];
      await send(keys.map((key) => ({ topic, key, value: key })));
      const seen: ConsumedRecord[] = [];
      await collect(topic, `g-${uid()}`, seen);
      await waitFor('4 records', () => seen.length >= 4);

      const partitionOf = (key: string): number | undefined => seen.find((r) => r.key === key)?.partition;
      // Kafka's Java partitioner puts 'prod/payments' on 0 and the whole key 'prod/payments/Pod/api-0' on 4 (of 6).
      expect(partitionOf('prod/payments')).toBe(0);
      expect(partitionOf('prod/payments/Pod/api-0')).toBe(0);
      expect(partitionOf('prod/payments/NetworkPolicy/default-deny')).toBe(0);
      expect(partitionOf('prod/_node/worker-1')).toBe(partitionForKey('prod/_node/worker-1', partitions));
    });

    it('handles several partitions at once when asked, one batch per partition at a time, in order', async () => {
      const topic = await newTopic(2);
      const keys = ['prod/ns-0', 'prod/ns-1', 'prod/ns-2', 'prod/ns-3', 'prod/ns-4'];
      const onePerPartition = [0, 1].map((p) => keys.find((k) => partitionForKey(k, 2) === p)!);
      const values = (key: string) => Array.from({ length: 20 }, (_, i) => `${key}#${i}`);
      await send(onePerPartition.flatMap((key) => values(key).map((value) => ({ topic, key, value }))));
      const seen = new Map<number, string[]>();
      const busy = new Set<number>();
      let most = 0;
      let overlapped = false;
      await log.consume({
        groupId: `g-${uid()}`,
        topics: [topic],
        fromBeginning: true,
        partitionsConcurrently: 2,
        handleBatch: async (b) => {
          if (busy.has(b.partition)) throw new Error(`two batches of partition ${b.partition} at once`);
          busy.add(b.partition);
          most = Math.max(most, busy.size);
          overlapped ||= busy.size === 2;
          // Hold the first batch until the other partition's batch is in the handler too.
          await waitFor('the other partition', () => overlapped, 5_000).catch(() => undefined);
          seen.set(b.partition, [...(seen.get(b.partition) ?? []), ...b.records.map(text)]);
          busy.delete(b.partition);
        },
      });
      await waitFor('40 records', () => [...seen.values()].flat().length >= 40);
      expect(most).toBe(2);
      for (const key of onePerPartition) expect(seen.get(partitionForKey(key, 2))).toEqual(values(key));
    });

    it('commits a batch only after its handler resolves', async () => {
      const topic = await newTopic(1);
      const groupId = `g-${uid()}`;
      const key = 'prod/ns';
      await send(['r0', 'r1', 'r2'].map((value) => ({ topic, key, value })));
      const first: ConsumedRecord[] = [];
      let blocked = false;
      const consumer = await log.consume({
        groupId,
        topics: [topic],
        fromBeginning: true,
        handleBatch: async (b, ctx) => {
          if (!b.records.some((r) => text(r) === 'r3')) return void first.push(...b.records);
          // Stand for a worker that dies mid-batch: hold the batch until the consumer stops, then fail it.
          blocked = true;
          while (ctx.isRunning()) await new Promise((r) => setTimeout(r, 20));
          throw new Error('stopped mid-batch');
        },
      });
      await waitFor('r0..r2 handled', () => first.length === 3);
      await send(['r3', 'r4', 'r5'].map((value) => ({ topic, key, value })));
      await waitFor('the r3 batch in the handler', () => blocked);
      await consumer.stop();

      const second: ConsumedRecord[] = [];
      await collect(topic, groupId, second);
      await waitFor('r3..r5 again', () => second.length >= 3);
      expect(second.map(text)).toEqual(['r3', 'r4', 'r5']);
    });

    it('tells the end offset of every partition of the topics that exist', async () => {
      const topic = await newTopic(2);
      expect(await log.endOffsets([topic, `ztv-missing-${uid()}`])).toEqual([
        { topic, partition: 0, offset: '0' },
        { topic, partition: 1, offset: '0' },
      ]);
      await send(['a', 'b', 'c', 'd', 'e'].map((value, i) => ({ topic, key: `ns-${i}/x`, value })));
      const seen: ConsumedRecord[] = [];
      const c = await collect(topic, `ends-${uid()}`, seen);
      await waitFor('5 records handled', () => seen.length === 5);
      await c.stop();
      const ends = await log.endOffsets([topic]);
      expect(ends.map((e) => e.partition).sort()).toEqual([0, 1]);
      for (const e of ends) {
        const last = seen.filter((r) => r.partition === e.partition).map((r) => Number(r.offset));
        // The next offset of each partition: one past its last record (0 where none went).
        expect(Number(e.offset)).toBe(last.length ? Math.max(...last) + 1 : 0);
      }
      expect(ends.reduce((n, e) => n + Number(e.offset), 0)).toBe(5);
    });

    it('with commit: false, every start of the same group reads the whole log again (table readers)', async () => {
      const topic = await newTopic(1);
      const groupId = `table-${uid()}`;
      await send(['t0', 't1', 't2'].map((value) => ({ topic, key: 'prod/ns', value })));
      const first: ConsumedRecord[] = [];
      const c1 = await collect(topic, groupId, first, { commit: false });
      await waitFor('t0..t2 handled', () => first.length === 3);
      await c1.stop();
      const second: ConsumedRecord[] = [];
      const c2 = await collect(topic, groupId, second, { commit: false });
      await waitFor('t0..t2 again', () => second.length === 3);
      await c2.stop();
      expect(second.map(text)).toEqual(['t0', 't1', 't2']);
    });

    it('redelivers a batch whose handler threw, from its first record, and keeps consuming', async () => {
      const topic = await newTopic(1);
      const groupId = `g-${uid()}`;
      const key = 'prod/ns';
      await send(['r0', 'r1', 'r2'].map((value) => ({ topic, key, value })));
      let failedBatch: string[] | undefined;
      const handled: string[] = [];
      const consumer = await log.consume({
        groupId,
        topics: [topic],
        fromBeginning: true,
        handleBatch: async (b) => {
          if (failedBatch) return void handled.push(...b.records.map(text));
          failedBatch = b.records.map(text);
          // A TypeError on purpose: kafkajs treats those as unrecoverable when they reach it.
          throw new TypeError('handler bug');
        },
      });
      await waitFor('the redelivery', () => handled.includes('r2'));
      expect(failedBatch?.[0]).toBe('r0');
      expect(handled).toEqual(['r0', 'r1', 'r2']);

      await send(['r3', 'r4'].map((value) => ({ topic, key, value })));
      await waitFor('r3 and r4', () => handled.includes('r4'));
      expect(handled).toEqual(['r0', 'r1', 'r2', 'r3', 'r4']);
      await consumer.stop();

      // Everything was committed once handled: the group goes on from r5.
      const after: ConsumedRecord[] = [];
      await collect(topic, groupId, after);
      await send([{ topic, key, value: 'r5' }]);
      await waitFor('r5', () => after.length >= 1);
      expect(after.map(text)).toEqual(['r5']);
    });

    it('gives every group every record', async () => {
      const topic = await newTopic(3);
      const values = Array.from({ length: 12 }, (_, i) => `v${i}`);
      await send(values.map((value, i) => ({ topic, key: `prod/ns-${i % 5}`, value })));
      const a: ConsumedRecord[] = [];
      const b: ConsumedRecord[] = [];
      await collect(topic, `g-${uid()}`, a);
      await collect(topic, `g-${uid()}`, b);
      await waitFor('12 records in each group', () => a.length >= 12 && b.length >= 12);
      expect(a.map(text).sort()).toEqual([...values].sort());
      expect(b.map(text).sort()).toEqual([...values].sort());
    });

    it('shares the partitions among the members of a group', async () => {
      const topic = await newTopic(2);
      const groupId = `g-${uid()}`;
      const seen: ConsumedRecord[] = [];
      const owned: number[][] = [[], []];
      await collect(topic, groupId, seen, {
        onAssigned: (a) => void (owned[0] = a.flatMap((x) => x.partitions)),
      });
      await collect(topic, groupId, seen, {
        onAssigned: (a) => void (owned[1] = a.flatMap((x) => x.partitions)),
      });
      await waitFor('one partition each', () => owned[0]?.length === 1 && owned[1]?.length === 1);
      expect([...(owned[0] ?? []), ...(owned[1] ?? [])].sort()).toEqual([0, 1]);

      const values = Array.from({ length: 10 }, (_, i) => `v${i}`);
      await send(values.map((value, i) => ({ topic, key: `prod/ns-${i}`, value })));
      await waitFor('10 records', () => new Set(seen.map(text)).size === 10);
    });

    it('handles no batch before onAssigned resolves, and retries onAssigned when it throws', async () => {
      const topic = await newTopic(1);
      await send([{ topic, key: 'prod/ns', value: 'x' }]);
      const events: string[] = [];
      await log.consume({
        groupId: `g-${uid()}`,
        topics: [topic],
        fromBeginning: true,
        onAssigned: async () => {
          events.push(`assign-${events.length + 1}`);
          await new Promise((r) => setTimeout(r, 50));
          if (events.length < 3) throw new Error('state store unavailable');
        },
        handleBatch: async (b) => void events.push(...b.records.map(text)),
      });
      await waitFor('the record', () => events.includes('x'));
      expect(events).toEqual(['assign-1', 'assign-2', 'assign-3', 'x']);
    });

    it('creates topics idempotently with their partition count and cleanup policy', async () => {
      const compacted = `ztv-test-${uid()}`;
      const plain = `ztv-test-${uid()}`;
      const specs = [
        { name: compacted, partitions: 2, compacted: true },
        { name: plain, partitions: 3 },
      ];
      await log.ensureTopics(specs);
      await log.ensureTopics(specs);
      const described = await log.describeTopics([plain, compacted, `ztv-missing-${uid()}`]);
      expect(described.sort((x, y) => x.name.localeCompare(y.name))).toEqual(
        [
          { name: compacted, partitions: 2, compacted: true, replicationFactor: 1 },
          { name: plain, partitions: 3, compacted: false, replicationFactor: 1 },
        ].sort((x, y) => x.name.localeCompare(y.name)),
      );
      await expect(log.ensureTopics([{ name: plain, partitions: 4 }])).rejects.toThrow(TopicMismatchError);
      await expect(log.ensureTopics([{ name: plain, partitions: 3, compacted: true }])).rejects.toThrow(
        /cleanup\.policy/,
      );
      await expect(log.ensureTopics([{ name: compacted, partitions: 2 }])).rejects.toThrow(/cleanup\.policy/);
    });

    it('reads at least the latest record per key of a compacted topic from the beginning', async () => {
      const topic = await newTopic(2, true);
      await send([
        { topic, key: 'prod/ns/Pod/a', value: 'a1' },
        { topic, key: 'prod/ns/Pod/b', value: 'b1' },
        { topic, key: 'prod/ns/Pod/a', value: 'a2' },
      ]);
      const seen: ConsumedRecord[] = [];
      await collect(topic, `g-${uid()}`, seen);
      await waitFor(
        'the latest records',
        () => seen.some((r) => text(r) === 'a2') && seen.some((r) => text(r) === 'b1'),
      );
      const latest = new Map(seen.map((r) => [r.key, text(r)]));
      expect(Object.fromEntries(latest)).toEqual({ 'prod/ns/Pod/a': 'a2', 'prod/ns/Pod/b': 'b1' });
    });
  });
}
