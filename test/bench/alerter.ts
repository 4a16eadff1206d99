import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { Queue } from 'bullmq';
import pg from 'pg';
import type { Severity, Signal } from '@ztv/events';
import { envSchema } from '@ztv/config';
import { createBullMqJobQueue } from '@ztv/jobs';
import { applySignals, migrate, openStore } from '@ztv/store';
import { createLogger } from '@ztv/telemetry';
import { partitionForKey } from '../../shared/bus/src/partitioner';
import { deleteQueuePrefixes } from '../support/redis';
import { AlertPipeline } from '../../services/alerter/src/lifecycle/pipeline';
import { parseRoutingConfig } from '../../services/alerter/src/notify/index';
import { makeSignal } from '../../services/alerter/src/testing/signals';
import { countArg, shareArg } from './args';

/*
 * `npm run bench:alerter [-- <signals> <batch> <new-finding-share>]`: signals applied to Postgres per second with their notifications
 * planned, written to the outbox and enqueued in BullMQ, through the alerter's own path (AlertPipeline.applyBatch then
 * enqueue, per batch of 1,000). Headline: ONE alerter process (one AlertPipeline, one Postgres pool, one Redis
 * connection) owning all ZTV_PARTITIONS (default 6) partitions of ztv.signals.v1, the stream split across them by
 * the real partitioner on the signal key (the fingerprint), working on ALERTER_CONCURRENT_PARTITIONS (default) of them
 * at once, as the Alerter does through the consumer's partitionsConcurrently: a partition's batches strictly one after
 * another (each committed and enqueued before its next), batches of different partitions overlapping. Also measured:
 * the same process and partitions one batch at a time (concurrency 1, the pre-#5 behaviour), and the pre-#5 layout:
 * one partition, one batch at a time, with applySignals alone in that run (the cost of notifying). More partitions
 * make each batch touch fewer findings (a partition's batch spans more of its findings' history), so the output
 * reports the finding rows per batch of each layout. Real Postgres (DATABASE_URL's server; a database of its own per run, dropped after) and
 * real Redis (REDIS_URL; a queue prefix of its own, deleted after). Every run checks its result against the stream:
 * findings, finding_events per kind, each finding's final status and occurrences (which a batch applied out of order
 * would change), notifications rows = jobs planned = jobs in Redis, and both runs plan the same notifications.
 * Wall-clock time: the work is shared with the Postgres and Redis processes, so the load average is recorded too.
 * Target ≥ 10,000 signals/s, judged on the median of three runs of the headline layout. Writes bench-results/alerter.json.
 */

const SIGNALS = countArg(0, 'signals', 50_000);
const BATCH = countArg(1, 'batch', 1_000);
/** Share of signals that open a new finding; resolutions are half that, refires a quarter, the rest observations. */
const NEW_SHARE = shareArg(2, 'new share', 0.2);
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = createLogger({ name: 'bench', level: 'warn' });
/** What one alerter process runs with by default. */
const PARTITIONS = envSchema.shape.ZTV_PARTITIONS.parse(undefined);
const CONCURRENCY = envSchema.shape.ALERTER_CONCURRENT_PARTITIONS.parse(undefined);

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
  /** What applying the stream in order leaves per finding: status and firing signals counted. */
  const expected = new Map<string, { status: 'open' | 'resolved'; occurrences: number }>();
  const firing = (signal: Signal) => {
    const e = expected.get(signal.fingerprint);
    expected.set(signal.fingerprint, { status: 'open', occurrences: (e?.occurrences ?? 0) + 1 });
    out.push(signal);
  };
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
      firing(makeSignal({ ...s, event }));
    } else if (r < 1 - NEW_SHARE * 0.75) {
      const s = open[Math.floor(rand() * open.length)]!;
      mix.observed++;
      firing(makeSignal({ ...s, event }));
    } else if (r < 1 - NEW_SHARE * 0.25 || resolved.length === 0) {
      const s = pick(open);
      resolved.push(s);
      mix.resolved++;
      const signal = makeSignal({ ...s, event, transition: 'resolved' });
      expected.get(signal.fingerprint)!.status = 'resolved';
      out.push(signal);
    } else {
      const s = pick(resolved);
      open.push(s);
      mix.refired++;
      firing(makeSignal({ ...s, event }));
    }
  }
  return { signals: out, mix, expected };
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

/** Each partition's batches: signals keyed by fingerprint, as the rule-worker keys them, on the real partitioner. */
function partitioned(signals: Signal[], partitions: number): Signal[][][] {
  const streams: Signal[][] = Array.from({ length: partitions }, () => []);
  for (const s of signals) streams[partitionForKey(s.fingerprint, partitions)]!.push(s);
  return streams.map((stream) => {
    const batches: Signal[][] = [];
    for (let i = 0; i < stream.length; i += BATCH) batches.push(stream.slice(i, i + BATCH));
    return batches;
  });
}

/** At most `n` holders at once, first come first served. */
function semaphore(n: number) {
  let free = n;
  const waiting: (() => void)[] = [];
  return {
    acquire: () => (free > 0 ? (free--, Promise.resolve()) : new Promise<void>((r) => waiting.push(r))),
    release: () => {
      const next = waiting.shift();
      if (next) next();
      else free++;
    },
  };
}

const { signals, mix, expected } = buildStream(SIGNALS);
console.log(`stream: ${signals.length} signals in batches of ${BATCH}: ${JSON.stringify(mix)}`);
const perSecond = (ms: number) => Math.round((signals.length / ms) * 1000);

const expectedEvents = {
  opened: mix.new,
  observed: mix.observed,
  resolved: mix.resolved,
  reopened: mix.refired,
};

/**
 * One alerter process over the stream split into `partitions`: one AlertPipeline (one pool, one queue connection), each
 * partition's batches in order (applyBatch, then enqueue, then the next), at most `concurrency` partitions' batches in
 * flight at once. With `baseline`, each batch is also applied by applySignals alone to a second database just before,
 * so both are timed under the same load (the machine is shared); only meaningful with concurrency 1.
 */
async function pipelineRun(partitions: number, concurrency: number, baseline?: string) {
  const prefix = `ztv-bench-${randomBytes(4).toString('hex')}`;
  return withDatabase(async (url) => {
    // The pool main.ts opens (default size), so `concurrency` transactions can be open at once.
    const store = openStore({ url });
    await migrate(store);
    const bare = baseline ? openStore({ url: baseline, poolSize: 2 }) : undefined;
    if (bare) await migrate(bare);
    let bareMs = 0;
    const jobs = createBullMqJobQueue({ redisUrl, prefix, logger });
    const pipeline = new AlertPipeline({ db: store.db, jobs, routing, logger, flapWindowSeconds: 0 });
    let applyMs = 0;
    let enqueueMs = 0;
    let enqueued = 0;
    let batches = 0;
    try {
      const streams = partitioned(signals, partitions);
      const slots = semaphore(concurrency);
      const t0 = performance.now();
      await Promise.all(
        streams.map(async (stream) => {
          for (const b of stream) {
            await slots.acquire();
            try {
              if (bare) {
                const s0 = performance.now();
                await applySignals(bare.db, b, { now: new Date(), flapWindowSeconds: 0 });
                bareMs += performance.now() - s0;
              }
              const s = performance.now();
              const planned = await pipeline.applyBatch(b);
              const m = performance.now();
              await pipeline.enqueue(planned);
              applyMs += m - s;
              enqueueMs += performance.now() - m;
              enqueued += planned.length;
              batches++;
            } finally {
              slots.release();
            }
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
          `bench: ${enqueued} planned, ${row.notifications} rows, ${inRedis} jobs in Redis, ${row.events} events disagree`,
        );
      const byKind = await store.pool.query<{ kind: string; n: number }>(
        'select kind, count(*)::int as n from finding_events group by kind',
      );
      const kinds = Object.fromEntries(byKind.rows.map((r) => [r.kind, r.n]));
      if (
        JSON.stringify(kinds, Object.keys(expectedEvents)) !== JSON.stringify(expectedEvents) ||
        byKind.rows.length !== 4
      )
        throw new Error(
          `bench: finding_events by kind ${JSON.stringify(kinds)}, expected ${JSON.stringify(expectedEvents)}`,
        );
      const final = await store.pool.query<{ fingerprint: string; status: string; occurrences: number }>(
        'select fingerprint, status, occurrences from findings',
      );
      const wrong = final.rows.filter((f) => {
        const e = expected.get(f.fingerprint);
        return e?.status !== f.status || e.occurrences !== f.occurrences;
      });
      if (final.rows.length !== expected.size || wrong.length)
        throw new Error(
          `bench: ${wrong.length} of ${final.rows.length} findings differ from the stream applied in order`,
        );
      return {
        signalsPerSecond: perSecond(totalMs),
        batches,
        // Each finding a batch touches is one row upserted, however many of its signals the batch holds.
        findingRowsPerBatch: Math.round(
          streams.flat().reduce((n, b) => n + new Set(b.map((x) => x.fingerprint)).size, 0) / batches,
        ),
        applySignalsOnlyPerSecond: bare ? perSecond(bareMs) : undefined,
        notificationsEnqueued: enqueued,
        jobsInRedis: inRedis,
        findings: row.findings,
        findingEvents: row.events,
        findingEventsByKind: kinds,
        msPerBatch: {
          applyAndPlan: +(applyMs / batches).toFixed(1),
          enqueue: +(enqueueMs / batches).toFixed(1),
        },
      };
    } finally {
      await jobs.close();
      await store.close();
      await bare?.close();
      await deleteQueuePrefixes(redisUrl, [prefix]);
    }
  });
}

const onePartition = await withDatabase((baseline) => pipelineRun(1, 1, baseline));
console.log(`applySignals alone, one partition: ${onePartition.applySignalsOnlyPerSecond} signals/s`);
console.log(
  `alerter process, one partition (the layout before #5): ${onePartition.signalsPerSecond} signals/s`,
);
const sequential = await pipelineRun(PARTITIONS, 1);
console.log(
  `alerter process, ${PARTITIONS} partitions, one at a time: ${sequential.signalsPerSecond} signals/s`,
);
/**
 * The headline layout runs HEADLINE_RUNS times (a fresh database each) and the median counts: on two cores shared
 * with Postgres and Redis one run's figure swings by ±15% with whatever else the machine does.
 */
const HEADLINE_RUNS = 3;
const headline: Awaited<ReturnType<typeof pipelineRun>>[] = [];
for (let i = 0; i < HEADLINE_RUNS; i++) {
  const r = await pipelineRun(PARTITIONS, CONCURRENCY);
  console.log(
    `alerter process, ${PARTITIONS} partitions, ${CONCURRENCY} at once (the defaults), run ${i + 1}/${HEADLINE_RUNS}: ${r.signalsPerSecond} signals/s`,
  );
  headline.push(r);
}
const one = [...headline].sort((a, b) => a.signalsPerSecond - b.signalsPerSecond)[
  Math.floor(HEADLINE_RUNS / 2)
]!;
console.log(`alerter process, the defaults, median of ${HEADLINE_RUNS}: ${one.signalsPerSecond} signals/s`);
for (const run of [onePartition, sequential, ...headline])
  if (one.notificationsEnqueued !== run.notificationsEnqueued)
    throw new Error(
      `bench: ${one.notificationsEnqueued} notifications planned, ${run.notificationsEnqueued} in another run`,
    );

const out = {
  /**
   * One alerter process, as deployed with the defaults: ZTV_PARTITIONS partitions, ALERTER_CONCURRENT_PARTITIONS of
   * them in flight at once; each partition's batches one after another, each committed and enqueued before the next.
   */
  signalsPerSecond: one.signalsPerSecond,
  /** Every run of the headline layout (signalsPerSecond is their median). */
  headlineRuns: headline.map((r) => r.signalsPerSecond),
  target: 10_000,
  meetsTarget: one.signalsPerSecond >= 10_000,
  partitions: PARTITIONS,
  concurrentPartitions: CONCURRENCY,
  /** The same process and partitions, one batch at a time (ALERTER_CONCURRENT_PARTITIONS=1). */
  onePartitionAtATimeSignalsPerSecond: sequential.signalsPerSecond,
  /**
   * One partition, one batch at a time: the layout of the headline before #5. Its batches touch more findings each
   * (findingRowsPerBatch): a partition's batch spans more of its own findings' history when there are more partitions.
   */
  singlePartitionSignalsPerSecond: onePartition.signalsPerSecond,
  /** applySignals alone, in the single-partition run. */
  applySignalsOnlyPerSecond: onePartition.applySignalsOnlyPerSecond,
  findingRowsPerBatch: {
    partitioned: one.findingRowsPerBatch,
    singlePartition: onePartition.findingRowsPerBatch,
  },
  batches: { partitioned: one.batches, singlePartition: onePartition.batches },
  signals: signals.length,
  batchSize: BATCH,
  newFindingShare: NEW_SHARE,
  mix,
  notificationsEnqueued: one.notificationsEnqueued,
  jobsInRedis: one.jobsInRedis,
  findings: one.findings,
  findingEvents: one.findingEvents,
  findingEventsByKind: one.findingEventsByKind,
  /** Per batch, in flight: with several partitions at once each batch waits for the others' share of the CPU. */
  msPerBatch: one.msPerBatch,
  msPerBatchOnePartitionAtATime: sequential.msPerBatch,
  msPerBatchSinglePartition: onePartition.msPerBatch,
  loadAverage: loadavg().map((l) => +l.toFixed(1)),
  node: process.version,
  cpu: `${cpus()[0]?.model.trim() ?? 'unknown'} × ${cpus().length}`,
  date: new Date().toISOString(),
};
console.log(JSON.stringify(out, null, 2));
const dir = resolve(import.meta.dirname, '../../bench-results');
mkdirSync(dir, { recursive: true });
writeFileSync(resolve(dir, 'alerter.json'), `${JSON.stringify(out, null, 2)}\n`);
