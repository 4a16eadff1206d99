import { randomBytes } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createKafkaEventLog, topicSpecs, type EventLog, type Producer } from '@ztv/bus';
import { topicNames, type Signal } from '@ztv/events';
import { createBullMqJobQueue, type JobQueue } from '@ztv/jobs';
import { openStore, type PostgresStore } from '@ztv/store';
import { createLogger } from '@ztv/telemetry';
import { Alerter } from '../../services/alerter/src/alerter';
import {
  AlertPipeline,
  storeDeliveryRecorder,
  type QueuedNotification,
} from '../../services/alerter/src/lifecycle/index';
import { createDeliveryWorker, parseRoutingConfig } from '../../services/alerter/src/notify/index';
import { startPagerDutyReceiver, startSlackReceiver } from '../../services/alerter/src/testing/receivers';
import { makeSignal } from '../../services/alerter/src/testing/signals';
import { waitForNoLag } from '../support/kafka-lag';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { deleteQueuePrefixes, uniqueQueuePrefix } from '../support/redis';

/*
 * Signals produced straight to ztv.signals.v1 on a real broker → the Alerter (Kafka consumer) → Postgres (findings,
 * history, notifications outbox) → BullMQ on real Redis → local Slack and PagerDuty receivers that check every body
 * against the documented shapes and answer what the test scripts (429 with Retry-After, 500, 400).
 */
describe('e2e: signals → alerter → Postgres → BullMQ → Slack and PagerDuty', () => {
  const brokers = inject('kafkaBrokers');
  const redisUrl = inject('redisUrl');
  const run = randomBytes(4).toString('hex');
  const topics = topicNames(`t${run}.`);
  const logger = createLogger({ name: 'e2e-alerter', level: process.env.ZTV_TEST_LOG_LEVEL ?? 'silent' });
  const routingKey = 'E2EKEYE2EKEYE2EKEYE2EKEYE2EKEY00';
  const prefix = uniqueQueuePrefix();
  let database: TestDatabase;
  let store: PostgresStore;
  let eventLog: EventLog;
  let producer: Producer;
  let queue: JobQueue;
  let slack: Awaited<ReturnType<typeof startSlackReceiver>>;
  let pd: Awaited<ReturnType<typeof startPagerDutyReceiver>>;
  let alerter: Alerter<QueuedNotification>;
  let groupId = `al-${run}`;

  const critical = makeSignal({ event: 'audit-1', namespace: 'payments', severity: 'critical' });
  const high = makeSignal({
    event: 'audit-2',
    namespace: 'checkout',
    severity: 'high',
    rule: 'mtls-not-strict',
  });

  const startAlerter = async (group: string) => {
    const routing = parseRoutingConfig({
      route: {
        receiver: 'chat',
        group_wait: '0s',
        routes: [
          { match: { severity: 'critical' }, receiver: 'pager', continue: true },
          { receiver: 'chat' },
        ],
      },
      receivers: [
        {
          name: 'chat',
          slack_configs: [{ webhook_url: `${slack.base}/services/T0E2E/B0E2E/e2eSECRETe2eSECRET` }],
        },
        { name: 'pager', pagerduty_configs: [{ routing_key: routingKey, url: `${pd.base}/v2/enqueue` }] },
      ],
    });
    const pipeline = new AlertPipeline({
      db: store.db,
      jobs: queue,
      routing,
      logger,
      flapWindowSeconds: 900,
    });
    const a = new Alerter({
      eventLog,
      logger,
      groupId: group,
      topicPrefix: `t${run}.`,
      ...pipeline.alerterHooks(1_000),
    });
    await a.start();
    return { a, routing };
  };
  const produce = (...signals: Signal[]) =>
    producer.send(
      signals.map((s) => ({
        topic: topics.signals,
        key: `${s.cluster}/${s.subject.namespace}`,
        value: JSON.stringify(s),
      })),
    );
  const settle = () => waitForNoLag(brokers, groupId, [topics.signals]);
  const rows = async <T extends Record<string, unknown>>(q: string, params: unknown[] = []) =>
    (await store.pool.query<T>(q, params)).rows;
  const notification = async (receiver: string, kind: string, fingerprint: string) =>
    (
      await rows<{
        status: string;
        attempts: number;
        last_status_code: number | null;
        last_error: string | null;
      }>(
        `select n.status, n.attempts, n.last_status_code, n.last_error from notifications n join findings f on f.id = n.finding_id
         where n.receiver = $1 and n.kind = $2 and f.fingerprint = $3`,
        [receiver, kind, fingerprint],
      )
    )[0];
  const pdEvents = () => pd.accepted().map((r) => `${r.parsed?.event_action}:${r.parsed?.dedup_key}`);
  const counts = async () => ({
    ...(
      await rows(`select (select count(*)::int from findings) as findings, (select count(*)::int from finding_events) as events,
                          (select count(*)::int from notifications) as notifications`)
    )[0],
    slack: slack.requests.length,
    pagerduty: pd.requests.length,
  });

  beforeAll(async () => {
    database = await createTestDatabase(inject('databaseTemplateUrl'));
    store = openStore({ url: database.url, poolSize: 6 });
    eventLog = createKafkaEventLog({ brokers, clientId: `e2e-alerter-${run}`, logger });
    await eventLog.ensureTopics(topicSpecs(topics, 3, 1));
    producer = await eventLog.producer();
    [slack, pd] = await Promise.all([startSlackReceiver(), startPagerDutyReceiver()]);
    queue = createBullMqJobQueue({ redisUrl, prefix, logger });
    const started = await startAlerter(groupId);
    alerter = started.a;
    createDeliveryWorker(queue, {
      routing: started.routing,
      recorder: storeDeliveryRecorder(store.db),
      logger,
      dashboardUrl: 'https://ztv.example.com',
    });
  });
  afterAll(async () => {
    await alerter?.stop();
    await queue?.close();
    await eventLog?.close();
    await Promise.all([slack?.close(), pd?.close()]);
    await store?.close();
    await database?.drop();
    await deleteQueuePrefixes(redisUrl, [prefix]);
  });

  it('opens a critical finding and pages once, retried through two 429s (and a Slack 500)', async () => {
    pd.script.push(
      { status: 429, headers: { 'retry-after': '1' } },
      { status: 429, headers: { 'retry-after': '1' } },
    );
    slack.script.push({ status: 500 });
    // The same signal twice (a producer retry) and a later occurrence of the same finding.
    await produce(
      critical,
      critical,
      makeSignal({ event: 'audit-1b', namespace: 'payments', severity: 'critical' }),
    );
    await settle();
    await expect
      .poll(() => notification('pager', 'trigger', critical.fingerprint), { timeout: 20_000, interval: 200 })
      .toMatchObject({
        status: 'sent',
        attempts: 3,
        last_status_code: 202,
      });
    await expect
      .poll(() => notification('chat', 'trigger', critical.fingerprint), { timeout: 20_000, interval: 200 })
      .toMatchObject({
        status: 'sent',
        attempts: 2,
      });
    expect(pd.requests.map((r) => r.answered)).toEqual([429, 429, 202]);
    expect(pdEvents()).toEqual([`trigger:${critical.fingerprint}`]);
    const trigger = pd.accepted()[0]!.parsed!;
    expect(trigger).toMatchObject({
      routing_key: routingKey,
      payload: { severity: 'critical', class: critical.ruleId },
    });
    expect(slack.requests.map((r) => r.answered)).toEqual([500, 200]);

    const [finding] = await rows<{ id: string; status: string; occurrences: number }>(
      'select id, status, occurrences from findings',
    );
    expect(finding).toMatchObject({ status: 'open', occurrences: 2 });
    const history = await rows<{ kind: string; data: { integration?: string; statusCode?: number } }>(
      'select kind, data from finding_events where finding_id = $1 order by id',
      [finding!.id],
    );
    expect(history.filter((h) => !h.kind.startsWith('notif')).map((h) => h.kind)).toEqual([
      'opened',
      'observed',
    ]);
    const attempts = history
      .filter((h) => h.kind.startsWith('notif'))
      .map((h) => `${h.kind}:${h.data.integration}:${h.data.statusCode}`);
    expect(attempts.filter((a) => a.includes('pagerduty'))).toEqual([
      'notify_failed:pagerduty:429',
      'notify_failed:pagerduty:429',
      'notified:pagerduty:202',
    ]);
    expect(attempts.filter((a) => a.includes('slack'))).toEqual([
      'notify_failed:slack:500',
      'notified:slack:200',
    ]);
  });

  it('records a 400 once and does not retry it', async () => {
    slack.script.push({ status: 400 });
    await produce(high);
    await settle();
    await expect
      .poll(() => notification('chat', 'trigger', high.fingerprint), { timeout: 15_000, interval: 200 })
      .toMatchObject({
        status: 'failed',
        attempts: 1,
        last_status_code: 400,
      });
    expect((await notification('chat', 'trigger', high.fingerprint))?.last_error).toMatch(
      /^POST to 127\.0\.0\.1:\d+ answered 400/,
    );
  });

  it('resolves, and sends the resolve to PagerDuty and Slack (and nothing for the finding whose page failed)', async () => {
    await produce(
      makeSignal({ event: 'audit-3', namespace: 'payments', severity: 'critical', transition: 'resolved' }),
      makeSignal({
        event: 'audit-4',
        namespace: 'checkout',
        severity: 'high',
        rule: 'mtls-not-strict',
        transition: 'resolved',
      }),
    );
    await settle();
    await expect
      .poll(pdEvents, { timeout: 15_000, interval: 200 })
      .toEqual([`trigger:${critical.fingerprint}`, `resolve:${critical.fingerprint}`]);
    // The receiver answers before the worker records the answer: wait for the record too.
    await expect
      .poll(() => notification('pager', 'resolve', critical.fingerprint), { timeout: 15_000, interval: 200 })
      .toMatchObject({ status: 'sent', last_status_code: 202 });
    await expect
      .poll(() => notification('chat', 'resolve', critical.fingerprint), { timeout: 15_000, interval: 200 })
      .toMatchObject({ status: 'sent' });
    await expect
      .poll(() => notification('chat', 'resolve', high.fingerprint), { timeout: 15_000, interval: 200 })
      .toMatchObject({
        status: 'dropped',
        last_error: 'the trigger was not delivered (failed)',
      });
    const resolved = slack.accepted().at(-1)!.parsed!;
    expect(resolved.text).toMatch(/^Resolved: /);
    expect(await rows('select status from findings order by first_seen_at')).toEqual([
      { status: 'resolved' },
      { status: 'resolved' },
    ]);
    // The 400 was never retried, and every body matched the documented shapes.
    expect(slack.requests.filter((r) => r.body.includes(high.fingerprint))).toHaveLength(1);
    expect([...slack.requests, ...pd.requests].filter((r) => r.invalid).map((r) => r.invalid)).toEqual([]);
  });

  it('a replay of the whole signal topic by a new consumer group creates nothing new', async () => {
    // Every delivery settled and recorded (a record lands after its receiver answered), so the counts below are final.
    await expect
      .poll(
        async () =>
          (
            await rows<{ n: number }>(`select count(*)::int as n from notifications where status = 'pending'`)
          )[0]?.n,
        { timeout: 15_000, interval: 200 },
      )
      .toBe(0);
    const before = await counts();
    expect(before).toMatchObject({ findings: 2, events: 13, notifications: 6 });
    const jobCount = async () => {
      const q = new Queue('notify.deliver', { connection: { url: redisUrl }, prefix });
      const n = await q.getJobCounts('completed', 'failed', 'waiting', 'delayed', 'active');
      await q.close();
      return n;
    };
    const jobsBefore = await jobCount();
    await alerter.stop();
    groupId = `al-${run}-replay`;
    alerter = (await startAlerter(groupId)).a;
    await settle();
    expect(await counts()).toEqual(before);
    expect(await jobCount()).toEqual(jobsBefore);
  });
});
