import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/postgres';
import { deleteQueuePrefixes, uniqueQueuePrefix } from '../../../../test/support/redis';
import { createBullMqJobQueue, type JobQueue } from '@ztv/jobs';
import {
  acknowledgeFinding,
  createSilence,
  getFindingByFingerprint,
  openStore,
  type PostgresStore,
} from '@ztv/store';
import { createLogger } from '@ztv/telemetry';
import { parseRoutingConfig } from '../notify/index';
import { createDeliveryWorker } from '../notify/worker';
import { startPagerDutyReceiver, startSlackReceiver } from '../testing/receivers';
import { makeSignal } from '../testing/signals';
import { AlertPipeline } from './pipeline';
import { storeDeliveryRecorder } from './store-recorder';

const redisUrl = inject('redisUrl');
const logger = createLogger({ name: 'pipeline-test', level: 'silent' });
const routingKey = 'R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY00';
let database: TestDatabase;
let store: PostgresStore;
const prefixes: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase(inject('databaseTemplateUrl'));
  store = openStore({ url: database.url, poolSize: 6 });
});
afterAll(async () => {
  await store?.close();
  await database?.drop();
  await deleteQueuePrefixes(redisUrl, prefixes);
});

describe('alert pipeline: Postgres outbox → BullMQ → receivers', () => {
  let slack: Awaited<ReturnType<typeof startSlackReceiver>>;
  let pd: Awaited<ReturnType<typeof startPagerDutyReceiver>>;
  let queue: JobQueue;
  let now: Date;
  let failEnqueues: number;
  let pipeline: AlertPipeline;

  beforeEach(async () => {
    [slack, pd] = await Promise.all([startSlackReceiver(), startPagerDutyReceiver()]);
    const prefix = uniqueQueuePrefix();
    prefixes.push(prefix);
    queue = createBullMqJobQueue({ redisUrl, prefix, logger });
    const routing = parseRoutingConfig({
      route: {
        receiver: 'chat',
        group_wait: '0s',
        routes: [
          { match: { severity: 'critical' }, receiver: 'pager', continue: true },
          { match: { namespace: 'slow' }, receiver: 'chat', group_wait: '3s' },
          { receiver: 'chat' },
        ],
      },
      receivers: [
        { name: 'chat', slack_configs: [{ webhook_url: `${slack.base}/services/T0/B0/SECRETSECRET` }] },
        { name: 'pager', pagerduty_configs: [{ routing_key: routingKey, url: `${pd.base}/v2/enqueue` }] },
      ],
    });
    now = new Date('2025-11-26T10:00:00.000Z');
    failEnqueues = 0;
    // The real queue, made to refuse a number of enqueues (Redis down) when a test asks for it.
    const flaky: JobQueue = {
      enqueue: async (job, payload, o) => {
        if (failEnqueues > 0 && failEnqueues--) throw new Error('simulated: Redis refused the job');
        return queue.enqueue(job, payload, o);
      },
      enqueueMany: async (job, items) => {
        if (failEnqueues > 0 && failEnqueues--) throw new Error('simulated: Redis refused the jobs');
        return queue.enqueueMany(job, items);
      },
      process: (job, handler, o) => queue.process(job, handler, o),
      close: () => queue.close(),
    };
    pipeline = new AlertPipeline({
      db: store.db,
      jobs: flaky,
      routing,
      logger,
      flapWindowSeconds: 300,
      clock: () => now,
      outboxGraceMs: 0,
    });
    createDeliveryWorker(queue, {
      routing,
      recorder: storeDeliveryRecorder(store.db),
      logger,
      dashboardUrl: 'https://ztv.example.com',
    });
  });
  afterEach(async () => {
    await queue.close();
    await Promise.all([slack.close(), pd.close()]);
    await store.pool.query('truncate findings, finding_events, notifications, silences cascade');
  });

  const apply = async (...signals: ReturnType<typeof makeSignal>[]) =>
    pipeline.enqueue(await pipeline.applyBatch(signals));
  const pdActions = () => pd.accepted().map((r) => `${r.parsed?.event_action}:${r.parsed?.dedup_key}`);
  const statuses = async () =>
    (
      await store.pool.query<{ kind: string; receiver: string; status: string }>(
        'select kind, receiver, status from notifications order by transition_seq, receiver',
      )
    ).rows.map((r) => `${r.receiver}:${r.kind}:${r.status}`);

  it('pages a critical finding, acknowledges it for the person who did, and resolves it after its quiet period', async () => {
    const s = makeSignal({
      event: 'f1',
      severity: 'critical',
      rule: 'flow-plaintext',
      quietPeriodSeconds: 600,
    });
    await apply(s);
    await expect.poll(pdActions, { timeout: 10_000 }).toEqual([`trigger:${s.fingerprint}`]);
    const f = (await getFindingByFingerprint(store.db, s.fingerprint))!;
    await acknowledgeFinding(store.db, f.id, 'alice@example.com', now);
    await pipeline.tick();
    await expect
      .poll(pdActions, { timeout: 10_000 })
      .toEqual([`trigger:${s.fingerprint}`, `acknowledge:${s.fingerprint}`]);
    await expect.poll(() => slack.accepted().length, { timeout: 10_000 }).toBe(2);
    expect(JSON.stringify(slack.accepted()[1]?.parsed)).toContain('Acknowledged by alice@example.com');

    now = new Date(now.getTime() + 601_000);
    await pipeline.tick();
    await expect.poll(pdActions, { timeout: 10_000 }).toContain(`resolve:${s.fingerprint}`);
    await expect
      .poll(statuses, { timeout: 10_000 })
      .toEqual([
        'chat:trigger:sent',
        'pager:trigger:sent',
        'chat:acknowledge:sent',
        'pager:acknowledge:sent',
        'chat:resolve:sent',
        'pager:resolve:sent',
      ]);
    expect([...slack.requests, ...pd.requests].filter((r) => r.invalid)).toEqual([]);
  });

  it('keeps a silenced finding from paging, and pages it when the silence ends', async () => {
    await createSilence(
      store.db,
      {
        matchers: [{ name: 'namespace', op: '=', value: 'payments' }],
        endsAt: new Date(now.getTime() + 3_600_000),
        createdBy: 'alice',
        comment: 'maintenance',
      },
      now,
    );
    const s = makeSignal({ event: 'e1', severity: 'critical' });
    await apply(s, makeSignal({ event: 'e2', severity: 'critical' }));
    expect(await getFindingByFingerprint(store.db, s.fingerprint)).toMatchObject({ status: 'suppressed' });
    await pipeline.tick();
    expect(await statuses()).toEqual([]);

    now = new Date(now.getTime() + 3_600_000);
    await pipeline.tick();
    expect(await getFindingByFingerprint(store.db, s.fingerprint)).toMatchObject({
      status: 'open',
      suppressedBy: null,
    });
    await expect.poll(pdActions, { timeout: 10_000 }).toEqual([`trigger:${s.fingerprint}`]);
  });

  it('enqueues from the outbox what a failed enqueue left behind, once', async () => {
    failEnqueues = 1;
    const s = makeSignal({ event: 'e1' });
    await expect(apply(s)).rejects.toThrow(/Redis refused/);
    // The batch is retried (as Kafka would): the signal is already applied, so nothing new is planned.
    expect(await pipeline.applyBatch([s])).toEqual([]);
    expect(slack.requests).toHaveLength(0);
    now = new Date(now.getTime() + 1_000);
    await pipeline.tick();
    await expect.poll(() => slack.accepted().length, { timeout: 10_000 }).toBe(1);
    await pipeline.tick();
    // Recorded just after the receiver answered: polled.
    await expect.poll(statuses, { timeout: 10_000 }).toEqual(['chat:trigger:sent']);
    expect(slack.requests).toHaveLength(1);
  });

  it('tells nobody about a finding that resolved within group_wait', async () => {
    const s = makeSignal({ event: 'e1', namespace: 'slow' });
    await apply(s);
    await apply(makeSignal({ event: 'r1', namespace: 'slow', transition: 'resolved' }));
    await expect
      .poll(statuses, { timeout: 10_000 })
      .toEqual(['chat:trigger:dropped', 'chat:resolve:dropped']);
    await new Promise((r) => setTimeout(r, 3_500));
    expect(slack.requests).toHaveLength(0);
  });
});
