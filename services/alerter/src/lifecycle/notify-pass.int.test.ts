import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../../test/support/postgres';
import { deleteQueuePrefixes, uniqueQueuePrefix } from '../../../../test/support/redis';
import { createBullMqJobQueue, type JobQueue } from '@ztv/jobs';
import { acknowledgeFinding, getFindingByFingerprint, openStore, type PostgresStore } from '@ztv/store';
import { createLogger } from '@ztv/telemetry';
import { parseRoutingConfig, type RoutingConfig } from '../notify/index';
import { createDeliveryWorker } from '../notify/worker';
import { startPagerDutyReceiver, startSlackReceiver } from '../testing/receivers';
import { makeSignal } from '../testing/signals';
import { AlertPipeline } from './pipeline';
import { storeDeliveryRecorder } from './store-recorder';

const redisUrl = inject('redisUrl');
const logger = createLogger({ name: 'notify-pass-test', level: 'silent' });
const routingKey = 'R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY00';
let database: TestDatabase;
let store: PostgresStore;
const prefixes: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase(inject('databaseTemplateUrl'));
  store = openStore({ url: database.url, poolSize: 8 });
});
afterAll(async () => {
  await store?.close();
  await database?.drop();
  await deleteQueuePrefixes(redisUrl, prefixes);
});

/**
 * Two alerter replicas (two pipelines over one database and queue) and a delivery worker. Their clock (and the one
 * delivery times are recorded by) is the real one plus `skew`, so a test moves time forward without sleeping.
 */
function harness(routing: (base: { slack: string; pd: string }) => RoutingConfig) {
  const h = {
    skew: 0,
    slack: undefined as unknown as Awaited<ReturnType<typeof startSlackReceiver>>,
    pd: undefined as unknown as Awaited<ReturnType<typeof startPagerDutyReceiver>>,
    queue: undefined as unknown as JobQueue,
    replicas: [] as AlertPipeline[],
    async start() {
      [h.slack, h.pd] = await Promise.all([startSlackReceiver(), startPagerDutyReceiver()]);
      const prefix = uniqueQueuePrefix();
      prefixes.push(prefix);
      h.queue = createBullMqJobQueue({ redisUrl, prefix, logger });
      const config = routing({ slack: h.slack.base, pd: h.pd.base });
      const clock = () => new Date(Date.now() + h.skew);
      h.replicas = [0, 1].map(
        () =>
          new AlertPipeline({
            db: store.db,
            jobs: h.queue,
            routing: config,
            logger,
            flapWindowSeconds: 300,
            clock,
            outboxGraceMs: 0,
          }),
      );
      createDeliveryWorker(h.queue, {
        routing: config,
        recorder: storeDeliveryRecorder(store.db, clock),
        logger,
        dashboardUrl: 'https://ztv.example.com',
      });
    },
    async stop() {
      await h.queue.close();
      await Promise.all([h.slack.close(), h.pd.close()]);
      await store.pool.query(
        'truncate findings, finding_events, notifications, notification_groups, silences cascade',
      );
    },
    apply: async (...signals: ReturnType<typeof makeSignal>[]) =>
      h.replicas[0]!.enqueue(await h.replicas[0]!.applyBatch(signals)),
    /** Both replicas' periodic passes at once. */
    tickBoth: async () => void (await Promise.all(h.replicas.map((r) => r.tick()))),
    slackTitles: () =>
      h.slack.accepted().map((r) => {
        const first = r.parsed?.blocks?.[0];
        return first?.type === 'header' ? first.text.text : '';
      }),
    pdActions: () => h.pd.accepted().map((r) => `${r.parsed?.event_action}:${r.parsed?.dedup_key}`),
    /**
     * Waits until the notification rows (receiver:kind:repeat:status:group_seq:namespace, in a stable order) are
     * `expected`: a delivery is recorded just after its receiver answered, so they are polled, as the receivers are.
     */
    expectRows: (expected: string[]) => expect.poll(() => h.rows(), { timeout: 10_000 }).toEqual(expected),
    rows: async () =>
      (
        await store.pool.query<{
          receiver: string;
          kind: string;
          repeat: number;
          status: string;
          group_seq: number | null;
        }>(
          `select n.receiver, n.kind, n.repeat, n.status, n.group_seq, f.namespace
           from notifications n join findings f on f.id = n.finding_id
           order by f.namespace, n.receiver, n.integration, n.transition_seq, n.repeat`,
        )
      ).rows.map((r) => Object.values(r).join(':')),
  };
  return h;
}

describe('repeat_interval: still-firing repeats from the periodic pass', () => {
  const h = harness(({ slack, pd }) =>
    parseRoutingConfig({
      route: {
        receiver: 'chat',
        group_wait: '0s',
        repeat_interval: '3s',
        routes: [
          { match: { severity: 'critical' }, receiver: 'pager', continue: true },
          { receiver: 'chat' },
        ],
      },
      receivers: [
        { name: 'chat', slack_configs: [{ webhook_url: `${slack}/services/T0/B0/SECRETSECRET` }] },
        { name: 'pager', pagerduty_configs: [{ routing_key: routingKey, url: `${pd}/v2/enqueue` }] },
      ],
    }),
  );
  afterEach(() => h.stop());

  it('repeats an open finding once per repeat_interval, across two replicas, and not an acknowledged one', async () => {
    await h.start();
    const a = makeSignal({ event: 'a1', severity: 'critical', namespace: 'payments' });
    const b = makeSignal({ event: 'b1', severity: 'critical', namespace: 'billing' });
    await h.apply(a, b);
    await expect.poll(() => h.pdActions().length, { timeout: 10_000 }).toBe(2);
    await expect.poll(() => h.slack.accepted().length, { timeout: 10_000 }).toBe(2);
    // Before repeat_interval: nothing.
    await h.tickBoth();
    const fb = (await getFindingByFingerprint(store.db, b.fingerprint))!;
    await acknowledgeFinding(store.db, fb.id, 'alice@example.com', new Date(Date.now() + h.skew));
    await h.tickBoth();
    await expect.poll(() => h.pdActions(), { timeout: 10_000 }).toContain(`acknowledge:${b.fingerprint}`);
    await expect.poll(() => h.slack.accepted().length, { timeout: 10_000 }).toBe(3);
    expect(h.pdActions().filter((x) => x === `trigger:${a.fingerprint}`)).toHaveLength(1);

    // After it: one repeat per integration, though both replicas ran their pass (twice).
    h.skew += 3_500;
    await h.tickBoth();
    await h.tickBoth();
    await expect
      .poll(() => h.pdActions().filter((x) => x === `trigger:${a.fingerprint}`), { timeout: 10_000 })
      .toHaveLength(2);
    await expect.poll(() => h.slack.accepted().length, { timeout: 10_000 }).toBe(4);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(h.slack.accepted()).toHaveLength(4);
    expect(h.slackTitles()[3]).toMatch(/^:repeat: Still firing: /);
    expect(h.pdActions().filter((x) => x.endsWith(b.fingerprint))).toEqual([
      `trigger:${b.fingerprint}`,
      `acknowledge:${b.fingerprint}`,
    ]);
    await h.expectRows([
      'chat:trigger:0:sent::billing',
      'chat:acknowledge:0:sent::billing',
      'pager:trigger:0:sent::billing',
      'pager:acknowledge:0:sent::billing',
      'chat:trigger:0:sent::payments',
      'chat:trigger:1:sent::payments',
      'pager:trigger:0:sent::payments',
      'pager:trigger:1:sent::payments',
    ]);

    // The next repeat counts from the last one; a resolve follows it.
    h.skew += 3_500;
    await h.tickBoth();
    await expect.poll(() => h.slack.accepted().length, { timeout: 10_000 }).toBe(5);
    await h.apply(
      makeSignal({ event: 'a2', severity: 'critical', namespace: 'payments', transition: 'resolved' }),
    );
    await expect.poll(() => h.pdActions().at(-1), { timeout: 10_000 }).toBe(`resolve:${a.fingerprint}`);
    h.skew += 3_500;
    await h.tickBoth();
    await new Promise((r) => setTimeout(r, 500));
    expect(h.pdActions().filter((x) => x.endsWith(a.fingerprint))).toEqual([
      `trigger:${a.fingerprint}`,
      `trigger:${a.fingerprint}`,
      `trigger:${a.fingerprint}`,
      `resolve:${a.fingerprint}`,
    ]);
    expect([...h.slack.requests, ...h.pd.requests].filter((r) => r.invalid)).toEqual([]);
  });
});

describe('group_by / group_interval: one Slack message per group flush', () => {
  const h = harness(({ slack }) =>
    parseRoutingConfig({
      route: {
        receiver: 'chat',
        group_by: ['namespace'],
        group_wait: '1s',
        group_interval: '5s',
        repeat_interval: '1h',
      },
      receivers: [{ name: 'chat', slack_configs: [{ webhook_url: `${slack}/services/T0/B0/SECRETSECRET` }] }],
    }),
  );
  afterEach(() => h.stop());

  it('sends three findings of a group as one message after group_wait, and a resolve after group_interval', async () => {
    await h.start();
    const rules = ['netpol-default-deny-missing', 'mtls-not-strict', 'authz-default-deny-missing'];
    const firing = rules.map((rule, i) => makeSignal({ event: `e${i}`, rule, namespace: 'payments' }));
    const other = makeSignal({ event: 'o1', namespace: 'billing' });
    await h.apply(firing[0]!, firing[1]!);
    await h.apply(firing[2]!, other);
    await h.tickBoth();
    await new Promise((r) => setTimeout(r, 300));
    expect(h.slack.requests).toHaveLength(0); // group_wait

    h.skew += 1_100;
    await h.tickBoth();
    await expect.poll(() => h.slack.accepted().length, { timeout: 10_000 }).toBe(2);
    const payments = h.slack.accepted().find((r) => r.body.includes('namespace=payments'))!;
    expect(h.slackTitles()).toContain(':large_orange_circle: 3 firing · namespace=payments');
    expect(h.slackTitles()).toContain(':large_orange_circle: 1 firing · namespace=billing');
    const findingLinks = payments.body.match(/https:\/\/ztv\.example\.com\/#\/findings\/fnd_/g) ?? [];
    expect(findingLinks).toHaveLength(3);

    // A resolve waits for group_interval after the group's previous message.
    await h.apply(makeSignal({ event: 'r1', rule: rules[1], namespace: 'payments', transition: 'resolved' }));
    await h.tickBoth();
    h.skew += 2_000;
    await h.tickBoth();
    await new Promise((r) => setTimeout(r, 300));
    expect(h.slack.accepted()).toHaveLength(2);
    h.skew += 3_100;
    await h.tickBoth();
    await expect.poll(() => h.slack.accepted().length, { timeout: 10_000 }).toBe(3);
    await new Promise((r) => setTimeout(r, 500));
    expect(h.slack.accepted()).toHaveLength(3);
    expect(h.slackTitles()[2]).toBe(':white_check_mark: 1 resolved · namespace=payments');
    expect(h.slack.accepted()[2]?.body).toContain('mtls-not-strict');

    await h.expectRows([
      'chat:trigger:0:sent:1:billing',
      'chat:trigger:0:sent:1:payments',
      'chat:trigger:0:sent:1:payments',
      'chat:trigger:0:sent:1:payments',
      'chat:resolve:0:sent:2:payments',
    ]);
    expect(h.slack.requests.filter((r) => r.invalid)).toEqual([]);
  });
});
