import { describe, expect, it } from 'vitest';
import { eventLogContract, waitFor } from './contract';
import { createMemoryEventLog } from './memory/event-log';
import { PartitionLog } from './memory/partition-log';
import type { ConsumedRecord } from './types';

eventLogContract('memory', () => createMemoryEventLog({ handlerRetry: { initialMs: 20, maxMs: 200 } }));

const rec = (key: string, value: string) => ({ key, value: Buffer.from(value), headers: {}, timestamp: '0' });

describe('PartitionLog', () => {
  it('keeps the newest records of a plain partition and reads on from the oldest kept', () => {
    const log = new PartitionLog(false, 100);
    for (let i = 0; i < 1000; i++) log.append(rec('k', `v${i}`));
    expect(log.endOffset).toBe(1000);
    expect(log.startOffset).toBeGreaterThanOrEqual(1000 - 125);
    expect(log.read(0, 1)[0]?.offset).toBe(log.startOffset);
    expect(log.read(990, 100).map((r) => r.offset)).toEqual([
      990, 991, 992, 993, 994, 995, 996, 997, 998, 999,
    ]);
  });

  it('compacts old records of a key but keeps the latest of every key and the recent tail', () => {
    const log = new PartitionLog(true, 10);
    log.append(rec('once', 'only'));
    for (let i = 0; i < 5000; i++) log.append(rec(`k${i % 3}`, `v${i}`));
    const all = log.read(0, 10_000);
    expect(all.length).toBeLessThan(2000);
    expect(all[0]?.key).toBe('once');
    expect(all.slice(-1000).map((r) => r.offset)).toEqual(Array.from({ length: 1000 }, (_, i) => 4001 + i));
  });
});

describe('memory event log', () => {
  it('moves a partition to the remaining member when one stops', async () => {
    const log = createMemoryEventLog();
    const topic = 'moves';
    await log.ensureTopics([{ name: topic, partitions: 2 }]);
    const first: ConsumedRecord[] = [];
    const second: ConsumedRecord[] = [];
    const start = (seen: ConsumedRecord[]) =>
      log.consume({
        groupId: 'g',
        topics: [topic],
        fromBeginning: true,
        handleBatch: async (b) => void seen.push(...b.records),
      });
    const a = await start(first);
    await start(second);
    const p = await log.producer();
    await p.send(Array.from({ length: 20 }, (_, i) => ({ topic, key: `c/ns-${i}`, value: `v${i}` })));
    await waitFor('20 records', () => first.length + second.length === 20);
    expect(first.length).toBeGreaterThan(0);
    expect(second.length).toBeGreaterThan(0);

    await a.stop();
    await p.send(Array.from({ length: 20 }, (_, i) => ({ topic, key: `c/ns-${i}`, value: `w${i}` })));
    await waitFor(
      'the next 20 on the remaining member',
      () => second.filter((r) => String(r.value).startsWith('w')).length === 20,
    );
    await log.close();
  });
});
