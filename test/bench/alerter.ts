import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { Severity, Signal } from '@ztv/events';
import { createBullMqJobQueue } from '@ztv/jobs';
import { applySignals, migrate, openStore } from '@ztv/store';
import { createLogger } from '@ztv/telemetry';
import { AlertPipeline } from '../../services/alerter/src/lifecycle/pipeline';
import { parseRoutingConfig } from '../../services/alerter/src/notify/index';
import { makeSignal } from '../../services/alerter/src/testing/signals';

/*
 * `npm run bench:alerter [-- <signals> <batch> <new-finding-share>]`: signals applied to Postgres per second with their notifications
 * planned, written to the outbox and enqueued in BullMQ, through the alerter's own path (AlertPipeline.applyBatch then
 * enqueue), in batches of 1,000. Headline: one consumer, each batch committed and enqueued before the next, as one
 * partition's consumer works. Also measured: two consumers on disjoint partitions (the prod overlay's two alerter
 * replicas), and applySignals alone (the cost of notifying). Real Postgres (DATABASE_URL's server; a database of its
 * own per run, dropped after) and real Redis (REDIS_URL; a queue prefix of its own, deleted after). Wall-clock time:
 * the work is shared with the Postgres and Redis processes, so the load average is recorded too. Target ≥ 10,000
 * signals/s. Writes bench-results/alerter.json.
 */

const SIGNALS = Number(process.argv[2] ?? 50_000);
const BATCH = Number(process.argv[3] ?? 1_000);
/** Share of signals that open a new finding; resolutions are half that, refires a quarter, the rest observations. */
const NEW_SHARE = Number(process.argv[4] ?? 0.2);
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = createLogger({ name: 'bench', level: 'warn' });

// Seeded PRNG (mulberry32): the same stream every run.
function prng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * By default ≈20% new findings, 10% resolutions, 5% refires of resolved ones and 65% repeated firings of open ones:
 * about one notification for every two signals, far more than a cluster in a steady state produces.
 */
function buildStream(n: number) {
  const rand = prng(0x5eed);
  const rules = [
    'netpol-default-deny-missing',
    'mtls-not-strict',
    'pod-privileged',
    'image-unverified',
    'sidecar-missing',
    'authz-allow-all',
    'flow-plaintext',
    'cert-expiring',
  ];
  const severities: Severity[] = [
    'critical',
    'high',
    'high',
    'high',
    'medium',
    'medium',
    'medium',
    'medium',
    'low',
    'low',
  ];
  const open: { rule: string; namespace: string; severity: Severity }[] = [];
  const resolved: typeof open = [];
  const pick = <T>(xs: T[]) => xs.splice(Math.floor(rand() * xs.length), 1)[0]!;
  const mix = { new: 0, observed: 0, resolved: 0, refired: 0 };
  const out: Signal[] = [];
  for (let i = 0; i < n; i++) {
    const r = rand();
    const event = `ev-${i}`;
    if (r < NEW_SHARE || open.length === 0) {
      const s = {
        rule: rules[Math.floor(rand() * rules.length)]!,
        namespace: `ns-${i}`,
        severity: severities[Math.floor(rand() * severities.length)]!,
      };
      open.push(s);
      mix.new++;
      out.push(makeSignal({ ...s, event }));
    } else if (r < 1 - NEW_SHARE * 0.75) {
      const s = open[Math.floor(rand() * open.length)]!;
      mix.observed++;
      out.push(makeSignal({ ...s, event }));
    } else if (r < 1 - NEW_SHARE * 0.25 || resolved.length === 0) {
      const s = pick(open);
      resolved.push(s);
      mix.resolved++;
      out.push(makeSignal({ ...s, event, transition: 'resolved' }));
    } else {
      const s = pick(resolved);
      open.push(s);
      mix.refired++;
      out.push(makeSignal({ ...s, event }));
    }
  }
  return { signals: out, mix };
}

// Criticals and highs page (PagerDuty) and go to chat; the rest go to chat. The endpoints are never called here.
const routing = parseRoutingConfig({
  route: {
    receiver: 'chat',
    group_wait: '0s',
    routes: [
      { match_re: { severity: 'critical|high' }, receiver: 'pager', continue: true },
      { receiver: 'chat' },
    ],
  },
  receivers: [
    { name: 'chat', slack_configs: [{ webhook_url: 'http://127.0.0.1:9/services/T0/B0/BENCHBENCH' }] },
    {
      name: 'pager',
      pagerduty_configs: [
        { routing_key: 'B3NCHB3NCHB3NCHB3NCHB3NCHB3NCH00', url: 'http://127.0.0.1:9/v2/enqueue' },
      ],
    },
  ],
});

async function withDatabase<T>(work: (url: string) => Promise<T>): Promise<T> {
  const name = `ztv_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  try {
    return await work(u.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

/** Batches of one consumer's partitions: signals keyed by namespace, as Kafka partitions them, split `consumers` ways. */
function partitioned(signals: Signal[], consumers: number): Signal[][][] {
  const streams: Signal[][] = Array.from({ length: consumers }, () => []);
  for (const s of signals) {
    const key = `${s.cluster}/${s.subject.namespace}`;
    let h = 0;
    for (let i = 0; i < key.length; i++) h = (Math.imul(h, 31) + key.charCodeAt(i)) | 0;
    streams[Math.abs(h) % consumers]!.push(s);
  }
  return streams.map((stream) => {
    const batches: Signal[][] = [];
    for (let i = 0; i < stream.length; i += BATCH) batches.push(stream.slice(i, i + BATCH));
    return batches;
  });
}

const { signals, mix } = buildStream(SIGNALS);
console.log(`stream: ${signals.length} signals in batches of ${BATCH}: ${JSON.stringify(mix)}`);
const perSecond = (ms: number) => Math.round((signals.length / ms) * 1000);

/**
 * The alerter's path (applyBatch, then enqueue) over `consumers` consumers, each with its own queue connection. With
 * `baseline`, each batch is also applied by applySignals alone to a second database just before, so both are timed
 * under the same load (the machine is shared).
 */
async function pipelineRun(consumers: number, baseline?: string) {
  const prefix = `ztv-bench-${randomBytes(4).toString('hex')}`;
  return withDatabase(async (url) => {
    const store = openStore({ url, poolSize: 4 });
    await migrate(store);
    const bare = baseline ? openStore({ url: baseline, poolSize: 2 }) : undefined;
    if (bare) await migrate(bare);
    let bareMs = 0;
    const queues = Array.from({ length: consumers }, () =>
      createBullMqJobQueue({ redisUrl, prefix, logger }),
    );
    const pipelines = queues.map(
      (jobs) => new AlertPipeline({ db: store.db, jobs, routing, logger, flapWindowSeconds: 0 }),
    );
    let applyMs = 0;
    let enqueueMs = 0;
    let enqueued = 0;
    let batches = 0;
    try {
      const streams = partitioned(signals, consumers);
      const t0 = performance.now();
      await Promise.all(
        streams.map(async (stream, i) => {
          for (const b of stream) {
            if (bare) {
              const s0 = performance.now();
              await applySignals(bare.db, b, { now: new Date(), flapWindowSeconds: 0 });
              bareMs += performance.now() - s0;
            }
            const s = performance.now();
            const planned = await pipelines[i]!.applyBatch(b);
            const m = performance.now();
            await pipelines[i]!.enqueue(planned);
            applyMs += m - s;
            enqueueMs += performance.now() - m;
            enqueued += planned.length;
            batches++;
          }
        }),
      );
      const totalMs = performance.now() - t0 - bareMs;
      const counts = await store.pool.query<{ findings: number; events: number; notifications: number }>(
        `select (select count(*)::int from findings) as findings, (select count(*)::int from finding_events) as events,
                (select count(*)::int from notifications) as notifications`,
      );
      const queue = new Queue('notify.deliver', { connection: { url: redisUrl }, prefix });
      const inRedis = (await queue.getJobCountByTypes('waiting', 'delayed', 'prioritized')) as number;
      await queue.close();
      const row = counts.rows[0]!;
      if (inRedis !== enqueued || row.notifications !== enqueued || row.events !== signals.length)
        throw new Error(
          `bench: ${enqueued} planned, ${row.notifications} rows, ${inRedis} jobs in Redis disagree`,
        );
      return {
        signalsPerSecond: perSecond(totalMs),
        applySignalsOnlyPerSecond: bare ? perSecond(bareMs) : undefined,
        notificationsEnqueued: enqueued,
        jobsInRedis: inRedis,
        findings: row.findings,
        findingEvents: row.events,
        msPerBatch: {
          applyAndPlan: +(applyMs / batches).toFixed(1),
          enqueue: +(enqueueMs / batches).toFixed(1),
        },
      };
    } finally {
      await Promise.all(queues.map((q) => q.close()));
      await store.close();
      await bare?.close();
      const redis = new Redis(redisUrl);
      for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<
        string[]
      >)
        if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });
}

const one = await withDatabase((baseline) => pipelineRun(1, baseline));
console.log(`applySignals alone, one consumer: ${one.applySignalsOnlyPerSecond} signals/s`);
console.log(`alerter path, one consumer: ${one.signalsPerSecond} signals/s`);
const two = await pipelineRun(2);
console.log(`alerter path, two consumers (two replicas, as deployed): ${two.signalsPerSecond} signals/s`);

const out = {
  /** One consumer: batches strictly one after another, each committed and enqueued before the next. */
  signalsPerSecond: one.signalsPerSecond,
  target: 10_000,
  meetsTarget: one.signalsPerSecond >= 10_000,
  /** Two consumers on disjoint partitions (the prod overlay runs two alerter replicas): one's Redis work overlaps the other's Postgres work. */
  twoConsumersSignalsPerSecond: two.signalsPerSecond,
  applySignalsOnlyPerSecond: one.applySignalsOnlyPerSecond,
  signals: signals.length,
  batchSize: BATCH,
  newFindingShare: NEW_SHARE,
  mix,
  notificationsEnqueued: one.notificationsEnqueued,
  jobsInRedis: one.jobsInRedis,
  findings: one.findings,
  findingEvents: one.findingEvents,
  msPerBatch: one.msPerBatch,
  loadAverage: loadavg().map((l) => +l.toFixed(1)),
  node: process.version,
  cpu: `${cpus()[0]?.model.trim() ?? 'unknown'} × ${cpus().length}`,
  date: new Date().toISOString(),
};
console.log(JSON.stringify(out, null, 2));
const dir = resolve(import.meta.dirname, '../../bench-results');
mkdirSync(dir, { recursive: true });
writeFileSync(resolve(dir, 'alerter.json'), `${JSON.stringify(out, null, 2)}\n`);
