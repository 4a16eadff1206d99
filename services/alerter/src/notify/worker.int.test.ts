import { afterAll, afterEach, beforeEach, describe, expect, inject, it } from 'vitest';
import { deleteQueuePrefixes, uniqueQueuePrefix } from '../../../../test/support/redis';
import { createBullMqJobQueue, type JobQueue } from '@ztv/jobs';
import { createLogger } from '@ztv/telemetry';
import type { DeliveryAttempt } from './recorder';
import { parseRoutingConfig } from './routing';
import { planDeliveries } from './targets';
import { sampleFinding } from './test-fixtures';
import { startTestServer } from './test-server';
import { createDeliveryWorker } from './worker';

const redisUrl = inject('redisUrl');
const prefixes: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

afterAll(async () => {
  await deleteQueuePrefixes(redisUrl, prefixes);
});

describe('notification delivery through BullMQ on Redis', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let answers: { status: number; headers?: Record<string, string> }[];
  let queue: JobQueue;
  let attempts: DeliveryAttempt[];

  beforeEach(async () => {
    answers = [];
    attempts = [];
    server = await startTestServer((_req, res) => {
      const a = answers.shift() ?? { status: 202 };
      res
        .writeHead(a.status, { 'content-type': 'application/json', ...a.headers })
        .end('{"status":"success","message":"Event processed"}');
    });
    const prefix = uniqueQueuePrefix();
    prefixes.push(prefix);
    queue = createBullMqJobQueue({ redisUrl, prefix });
    const routing = parseRoutingConfig({
      route: { receiver: 'pager' },
      receivers: [
        {
          name: 'pager',
          pagerduty_configs: [
            { routing_key: 'R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY00', url: `${server.base}/v2/enqueue` },
          ],
        },
      ],
    });
    createDeliveryWorker(queue, {
      routing,
      recorder: { attempt: async (r) => void attempts.push(r) },
      logger: createLogger({ name: 'alerter-test', level: 'silent' }),
      dashboardUrl: 'https://ztv.example.com',
    });
    for (const d of planDeliveries(routing, {
      finding: sampleFinding({ severity: 'critical' }),
      kind: 'trigger',
      transitionSeq: 1,
      at: '2025-11-26T12:05:00.000Z',
    })) {
      // Enqueued twice: a replayed transition must not deliver twice.
      await queue.enqueue('notify.deliver', d.payload, { jobId: d.jobId });
      await queue.enqueue('notify.deliver', d.payload, { jobId: d.jobId });
    }
  });
  afterEach(async () => {
    await queue.close();
    await server.close();
  });

  it('honours 429 Retry-After twice, then delivers exactly once with 3 attempts recorded', async () => {
    answers.push(
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 429, headers: { 'retry-after': '1' } },
    );
    await expect
      .poll(() => attempts.map((a) => a.status), { timeout: 15_000, interval: 50 })
      .toEqual(['retrying', 'retrying', 'sent']);
    expect(attempts.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 429],
      [2, 429],
      [3, 202],
    ]);
    expect(server.received).toHaveLength(3);
    const [first, second, third] = server.received.map((r) => r.at);
    expect(second! - first!).toBeGreaterThanOrEqual(1_000);
    expect(third! - second!).toBeGreaterThanOrEqual(1_000);
    await sleep(500);
    expect(server.received).toHaveLength(3);
    expect(attempts[2]).toMatchObject({
      jobId: 'notify:pager:3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e:trigger:1:pagerduty-0',
      integration: 'pagerduty',
      kind: 'trigger',
    });
  });

  it('records a 400 as failed once and does not retry it', async () => {
    answers.push({ status: 400 });
    await expect.poll(() => attempts.length, { timeout: 10_000, interval: 50 }).toBe(1);
    await sleep(1_000);
    expect(attempts).toEqual([expect.objectContaining({ status: 'failed', statusCode: 400, attempt: 1 })]);
    expect(server.received).toHaveLength(1);
  });
});
