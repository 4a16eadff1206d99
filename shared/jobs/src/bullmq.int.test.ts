import { afterAll, describe, expect, inject, it } from 'vitest';
import { deleteQueuePrefixes, uniqueQueuePrefix } from '../../../test/support/redis';
import { createBullMqJobQueue } from './bullmq';
import { contractCatalog, jobQueueContract } from './contract';

const redisUrl = inject('redisUrl');
const silent = { error: () => {}, warn: () => {} };
const prefixes: string[] = [];

function make() {
  const prefix = uniqueQueuePrefix();
  prefixes.push(prefix);
  return createBullMqJobQueue({ redisUrl, prefix, catalog: contractCatalog, logger: silent });
}

afterAll(async () => {
  // Each test had its own prefix; remove what they left behind.
  await deleteQueuePrefixes(redisUrl, prefixes);
});

jobQueueContract('BullMQ on Redis', make);

describe('BullMQ job queue', () => {
  it('stores ztv job ids (with ":") escaped, and hands them back unescaped', async () => {
    const queue = make();
    const seen: string[] = [];
    queue.process('test.work', async (_p, ctx) => void seen.push(ctx.jobId), { concurrency: 1 });
    await queue.enqueue('test.work', { n: 1 }, { jobId: 'notify:oncall:fp:trigger:1:slack-0' });
    await expect.poll(() => seen, { timeout: 10_000 }).toEqual(['notify:oncall:fp:trigger:1:slack-0']);
    await queue.close();
  });
});
