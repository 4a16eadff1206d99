import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInProcessJobQueue, type JobQueue, type NotifiedFinding } from '@ztv/jobs';
import type { Logger } from '@ztv/telemetry';
import type { DeliveryAttempt } from './recorder';
import { parseRoutingConfig, type RoutingConfig } from './routing';
import { planDeliveries } from './targets';
import { dashboardUrl, sampleFinding, samplePayload } from './test-fixtures';
import { startTestServer } from './test-server';
import { createDeliveryWorker } from './worker';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Records every log call as JSON, to check that no secret is ever written. */
function captureLogger() {
  const lines: string[] = [];
  const write = (level: string) => (obj: object, msg: string) =>
    void lines.push(JSON.stringify({ level, msg, ...obj }));
  const logger = {
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    debug: write('debug'),
    child: () => logger,
  };
  return { logger: logger as unknown as Logger, lines };
}

describe('delivery worker (in-process queue)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let script: Record<string, number[]>;
  let queue: JobQueue;
  let attempts: DeliveryAttempt[];
  let logs: string[];
  let routingKeyFile: string;
  let routing: RoutingConfig;

  beforeEach(async () => {
    script = {};
    attempts = [];
    // Each path answers its scripted statuses in turn, then 200; 429 carries Retry-After: 0 to keep the test fast.
    server = await startTestServer((req, res) => {
      const path = req.url.split('?')[0]!;
      const status = script[path]?.shift() ?? 200;
      res
        .writeHead(status, status === 429 ? { 'retry-after': '0' } : {})
        .end(status === 200 ? 'ok' : `status ${status}`);
    });
    const dir = mkdtempSync(join(tmpdir(), 'ztv-notify-'));
    routingKeyFile = join(dir, 'routing-key');
    writeFileSync(routingKeyFile, 'PDR0UT1NGKEYFROMFILE000000000000\n');
    queue = createInProcessJobQueue({ logger: { error: () => {}, warn: () => {} } });
    const captured = captureLogger();
    logs = captured.lines;
    // Critical findings page and also go to the team (continue + a catch-all child, the Alertmanager idiom).
    routing = parseRoutingConfig({
      route: {
        receiver: 'team',
        routes: [
          { match: { severity: 'critical' }, receiver: 'pager', continue: true },
          { receiver: 'team' },
        ],
      },
      receivers: [
        {
          name: 'team',
          slack_configs: [{ webhook_url: `${server.base}/services/T0/B0/SLACKSECRET` }],
          webhook_configs: [{ url: `${server.base}/hook`, bearer_token: 'HOOKT0KEN' }],
        },
        {
          name: 'pager',
          pagerduty_configs: [{ routing_key_file: routingKeyFile, url: `${server.base}/v2/enqueue` }],
        },
      ],
    });
    createDeliveryWorker(queue, {
      routing,
      recorder: { attempt: async (r) => void attempts.push(r) },
      logger: captured.logger,
      dashboardUrl,
      concurrency: 4,
    });
  });
  afterEach(async () => {
    await queue.close();
    await server.close();
  });

  const enqueueAll = async (finding: NotifiedFinding, kind: 'trigger' | 'resolve' = 'trigger') => {
    const planned = planDeliveries(routing, {
      finding,
      kind,
      transitionSeq: 1,
      at: '2025-11-26T12:05:00.000Z',
    });
    for (const d of planned) await queue.enqueue('notify.deliver', d.payload, { jobId: d.jobId });
    return planned;
  };

  it('retries 429s and records every attempt; delivers exactly once', async () => {
    script['/services/T0/B0/SLACKSECRET'] = [429, 429];
    await queue.enqueue('notify.deliver', samplePayload({ receiver: 'team' }), {
      jobId: 'notify:team:fp:trigger:1:slack-0',
    });
    await expect
      .poll(() => attempts.map((a) => a.status), { timeout: 5_000 })
      .toEqual(['retrying', 'retrying', 'sent']);
    expect(attempts.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 429],
      [2, 429],
      [3, 200],
    ]);
    expect(attempts[0]).toMatchObject({
      jobId: 'notify:team:fp:trigger:1:slack-0',
      receiver: 'team',
      integration: 'slack',
      kind: 'trigger',
      findingFingerprint: '3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e',
    });
    expect(attempts[0]!.error).toMatch(/^POST to 127\.0\.0\.1:\d+ answered 429/);
    expect(server.received).toHaveLength(3);
    expect(JSON.parse(server.received[2]!.body)).toHaveProperty('blocks');
  });

  it('records a 400 as failed and does not retry it', async () => {
    script['/v2/enqueue'] = [400];
    await queue.enqueue('notify.deliver', samplePayload({ receiver: 'pager', integration: 'pagerduty' }), {
      jobId: 'notify:pager:fp:trigger:1:pagerduty-0',
    });
    await expect.poll(() => attempts.length, { timeout: 5_000 }).toBe(1);
    await sleep(200);
    expect(attempts).toEqual([
      expect.objectContaining({ status: 'failed', statusCode: 400, attempt: 1, receiver: 'pager' }),
    ]);
    expect(server.received).toHaveLength(1);
    expect(JSON.parse(server.received[0]!.body)).toMatchObject({
      routing_key: 'PDR0UT1NGKEYFROMFILE000000000000',
      event_action: 'trigger',
    });
  });

  it('fails a job whose receiver is gone from the config without sending anything', async () => {
    await queue.enqueue('notify.deliver', samplePayload({ receiver: 'removed' }), {
      jobId: 'notify:removed:fp:trigger:1:slack-0',
    });
    await expect
      .poll(() => attempts, { timeout: 5_000 })
      .toEqual([
        expect.objectContaining({ status: 'failed', error: 'receiver "removed" is not configured' }),
      ]);
    expect(server.received).toHaveLength(0);
  });

  it('routes, renders each integration, and sends each once even when the transition is replayed', async () => {
    const planned = await enqueueAll(sampleFinding({ severity: 'critical' }));
    expect(planned.map((d) => d.jobId)).toEqual([
      'notify:pager:3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e:trigger:1:pagerduty-0',
      'notify:team:3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e:trigger:1:slack-0',
      'notify:team:3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e:trigger:1:webhook-0',
    ]);
    await expect.poll(() => attempts.filter((a) => a.status === 'sent').length, { timeout: 5_000 }).toBe(3);
    await enqueueAll(sampleFinding({ severity: 'critical' })); // replay: same job ids
    await sleep(200);
    expect(server.received.map((r) => r.url).sort()).toEqual([
      '/hook',
      '/services/T0/B0/SLACKSECRET',
      '/v2/enqueue',
    ]);
    const hook = server.received.find((r) => r.url === '/hook')!;
    expect(hook.headers).toMatchObject({
      authorization: 'Bearer HOOKT0KEN',
      'content-type': 'application/cloudevents+json',
    });
    expect(JSON.parse(hook.body)).toMatchObject({
      specversion: '1.0',
      id: 'notify:team:3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e:trigger:1:webhook-0',
    });
  });

  it('never logs a webhook URL, routing key or token', async () => {
    script['/services/T0/B0/SLACKSECRET'] = [429, 404];
    script['/v2/enqueue'] = [400];
    await enqueueAll(sampleFinding({ severity: 'critical' }));
    await expect
      .poll(() => attempts.filter((a) => a.status !== 'retrying').length, { timeout: 10_000 })
      .toBe(3);
    expect(logs.length).toBeGreaterThan(3);
    expect(logs.join('\n')).not.toMatch(/SLACKSECRET|PDR0UT1NGKEY|HOOKT0KEN/);
    expect(JSON.stringify(attempts)).not.toMatch(/SLACKSECRET|PDR0UT1NGKEY|HOOKT0KEN/);
  });
});
