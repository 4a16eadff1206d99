import { describe, expect, it } from 'vitest';
import { contractCatalog, jobQueueContract } from './contract';
import { createInProcessJobQueue } from './inprocess';

const silent = { error: () => {}, warn: () => {} };

jobQueueContract('in-process', () => createInProcessJobQueue({ catalog: contractCatalog, logger: silent }));

describe('in-process job queue', () => {
  it('forgets finished ids after the retention window, so dedup is bounded in memory', async () => {
    const queue = createInProcessJobQueue({ catalog: contractCatalog, logger: silent, maxRetained: 1 });
    const seen: number[] = [];
    queue.process('test.work', async (p) => void seen.push(p.n), { concurrency: 1 });
    await queue.enqueue('test.work', { n: 1 }, { jobId: 'r:1' });
    await expect.poll(() => seen).toEqual([1]);
    await queue.enqueue('test.work', { n: 2 }, { jobId: 'r:2' });
    await expect.poll(() => seen).toEqual([1, 2]);
    await queue.enqueue('test.work', { n: 3 }, { jobId: 'r:1' }); // r:1 was pruned (maxRetained 1)
    await expect.poll(() => seen).toEqual([1, 2, 3]);
    await queue.close();
  });

  it('refuses work after close()', async () => {
    const queue = createInProcessJobQueue({ catalog: contractCatalog, logger: silent });
    await queue.close();
    await expect(queue.enqueue('test.work', { n: 1 }, { jobId: 'c:1' })).rejects.toThrow(/closed/);
  });
});
