import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Io } from '../io';

interface StartOptions {
  embedded?: boolean;
  dataDir?: string;
  demo?: boolean;
  demoDuration?: string;
}

/**
 * `ztv start`: every service in one process. `--embedded` (what `npm start` runs) needs nothing else: PGlite under
 * .ztv/, the in-memory event log. Without it, the same services use Kafka, Postgres and Redis from the environment.
 */
export function registerStart(program: Command, io: Io): void {
  program
    .command('start')
    .description('run ztv in one process (collector, rule-worker, alerter)')
    .option('--embedded', 'no external services: PGlite under --data-dir and an in-memory event log')
    .option('--data-dir <dir>', 'where the embedded database lives (default: ZTV_DATA_DIR or .ztv)')
    .option('--demo', 'replay the bundled story of a cluster drifting away from zero trust (default with --embedded when no cluster is reachable)')
    .option('--no-demo', 'never replay the demo story')
    .option('--demo-duration <seconds>', 'wall-clock length of the story\'s hour', '60')
    .addHelpText('after', '\nEnvironment: see shared/config/src/env.ts (KAFKA_BROKERS, DATABASE_URL, COLLECTOR_PORT, COLLECTOR_TOKENS, ...).')
    .action(async (opts: StartOptions) => {
      await start(opts, io);
    });
}

async function start(opts: StartOptions, io: Io): Promise<void> {
  const { loadEnv } = await import('@ztv/config');
  const { createKafkaEventLog, createMemoryEventLog } = await import('@ztv/bus');
  const { applySignals, migrate, openEmbeddedStore, openStore } = await import('@ztv/store');
  const { createLogger, createMetrics, ShutdownRegistry } = await import('@ztv/telemetry');
  const { Collector } = await import('@ztv/collector');
  const { RuleWorker } = await import('@ztv/rule-worker');
  const { loadRulesConfig } = await import('@ztv/rule-worker');
  const { Alerter } = await import('@ztv/alerter');

  const base = loadEnv();
  // An embedded run with no token configured gets a fresh one, printed once below.
  const generated = base.COLLECTOR_TOKENS.length === 0 ? `ztv_${randomBytes(24).toString('base64url')}` : undefined;
  const env = generated ? { ...base, COLLECTOR_TOKENS: [generated] } : base;
  const logger = createLogger({ name: 'ztv', level: env.LOG_LEVEL });
  const shutdown = new ShutdownRegistry(logger);
  // Registered first, so it runs last: printed only when everything else closed in time.
  shutdown.register('done', async () => io.stdout('ztv stopped.'));

  let store;
  if (opts.embedded) {
    const dir = opts.dataDir ?? env.ZTV_DATA_DIR;
    mkdirSync(dir, { recursive: true });
    store = await openEmbeddedStore({ dataDir: join(dir, 'pgdata') });
  } else {
    store = openStore({ url: env.DATABASE_URL, onError: (err) => logger.warn({ err }, 'idle database connection failed') });
  }
  shutdown.register('store', () => store.close());
  await migrate(store);

  const eventLog = opts.embedded
    ? createMemoryEventLog({ partitions: env.ZTV_PARTITIONS })
    : createKafkaEventLog({ brokers: env.KAFKA_BROKERS, clientId: env.KAFKA_CLIENT_ID, logger });
  shutdown.register('event-log', () => eventLog.close());

  const collector = new Collector({ env, eventLog, logger, metrics: createMetrics('collector') });
  const worker = new RuleWorker({ eventLog, logger, cluster: env.ZTV_CLUSTER, rulesConfig: loadRulesConfig(env), groupId: env.RULE_WORKER_GROUP, topicPrefix: env.ZTV_TOPIC_PREFIX });
  const { createInProcessJobQueue, createBullMqJobQueue } = await import('@ztv/jobs');
  const jobs = opts.embedded ? createInProcessJobQueue({ logger }) : createBullMqJobQueue({ redisUrl: env.REDIS_URL, prefix: env.ZTV_QUEUE_PREFIX, logger });
  shutdown.register('jobs', () => jobs.close());
  // With a routing config (ZTV_CONFIG_FILE) the full alert pipeline runs: notifications to the receivers, automatic
  // remediations. Without one, embedded mode's receiver is the console.
  const alerting = await import('@ztv/alerter');
  const routing = alerting.loadRoutingConfig(env.ZTV_CONFIG_FILE);
  const hooks = routing
    ? new alerting.AlertPipeline({
        db: store.db,
        jobs,
        routing,
        logger,
        flapWindowSeconds: env.ALERTER_FLAP_WINDOW_SECONDS,
        remediations: new alerting.RemediationTrigger({ jobs, config: alerting.loadTriggerConfig(env.ZTV_CONFIG_FILE), logger }),
      }).alerterHooks(env.ALERTER_TICK_SECONDS * 1000)
    : {
        applySignals: (signals: Parameters<typeof applySignals>[1]) =>
          applySignals(store.db, signals, { now: new Date(), flapWindowSeconds: env.ALERTER_FLAP_WINDOW_SECONDS }),
        onTransitions: async (transitions: Awaited<ReturnType<typeof applySignals>>) => {
          for (const t of transitions) io.stdout(consoleNotification(t));
        },
      };
  if (routing) alerting.createDeliveryWorker(jobs, { routing, recorder: alerting.storeDeliveryRecorder(store.db), logger, dashboardUrl: env.DASHBOARD_URL });
  const alerter = new Alerter({ eventLog, logger, groupId: env.ALERTER_GROUP, topicPrefix: env.ZTV_TOPIC_PREFIX, ...(hooks as object) } as ConstructorParameters<typeof Alerter>[0]);
  const { ApiServer } = await import('@ztv/api');
  const api = new ApiServer({ env, store, logger, jobs });
  // Remediation acts through the Kubernetes API: on when a cluster answers, else requests wait in the queue.
  const kc = await reachableCluster(env.KUBECONFIG);
  if (kc) {
    const { Remediator, KubeOps, loadRemediatorSettings } = await import('@ztv/remediator');
    const { createKubeClients } = await import('@ztv/kube');
    const remediator = new Remediator({
      queue: jobs,
      db: store.db,
      kube: new KubeOps(createKubeClients(kc, { requestTimeoutMs: env.REMEDIATION_KUBE_TIMEOUT_MS })),
      settings: loadRemediatorSettings(env),
      logger,
      concurrency: env.REMEDIATION_CONCURRENCY,
    });
    remediator.start();
    shutdown.register('remediator', () => remediator.stop());
  }
  const url = await collector.start();
  shutdown.register('collector', () => collector.stop());
  await worker.start();
  shutdown.register('rule-worker', () => worker.stop());
  await alerter.start();
  shutdown.register('alerter', () => alerter.stop());
  shutdown.installSignalHandlers((code) => process.exit(code));

  const apiUrl = await api.start();
  shutdown.register('api', () => api.stop());
  // A fresh admin token each start, printed once: the embedded dashboard's way in.
  const { createApiToken } = await import('@ztv/store');
  const admin = await createApiToken(store.db, { name: `start-admin-${new Date().toISOString()}`, role: 'admin' });

  io.stdout(`ztv is running${opts.embedded ? ' (embedded: PGlite + in-memory event log)' : ''}.`);
  io.stdout(`  dashboard:     ${dashboardUrl(apiUrl)}/`);
  io.stdout(`  admin token (shown once): ${admin.token}`);
  io.stdout(`  audit webhook: POST ${url}/audit/webhook`);
  if (generated) io.stdout(`  ingest token (shown once): ${generated}`);

  const demo = opts.demo ?? (opts.embedded === true && !kc);
  if (demo) {
    const { demoStory } = await import('../demo/story');
    const { replayStory } = await import('../demo/replay');
    const { EventSink } = await import('@ztv/collector');
    const producer = await eventLog.producer();
    shutdown.register('demo producer', () => producer.close());
    const sink = new EventSink(producer, { topicPrefix: env.ZTV_TOPIC_PREFIX, meshRootNamespace: env.MESH_ROOT_NAMESPACE });
    const aborter = new AbortController();
    shutdown.register('demo', async () => aborter.abort());
    const seconds = Number(opts.demoDuration ?? '60');
    io.stdout(`  demo: replaying an hour of a cluster drifting away from zero trust in ${seconds} s (--no-demo to turn off)`);
    void replayStory(demoStory(env.ZTV_CLUSTER, new Date()), {
      durationMs: seconds * 1000,
      publish: (events) => sink.publish(events),
      narrate: (line) => io.stdout(line),
      signal: aborter.signal,
    }).catch((err) => logger.error({ err }, 'demo replay failed'));
  }
  // The banner's last line: everything above it is printed by then.
  io.stdout('  stop with Ctrl-C');
}

/** A console line per finding transition: embedded mode's notification receiver. */
function consoleNotification(t: { kind: string; severity: string; ruleId: string; namespace: string | null; title: string; findingId: string }): string {
  const icon = t.kind === 'resolved' ? '✔' : t.kind === 'suppressed' ? '·' : '🔔';
  return `${icon} ${t.kind.padEnd(10)} ${t.severity.padEnd(8)} ${t.ruleId.padEnd(28)} ${t.namespace ?? '-'}  ${t.title}  (${t.findingId})`;
}

/** The kubeconfig when one is present and its API server answers; undefined otherwise (never throws). */
async function reachableCluster(kubeconfigPath: string | undefined) {
  try {
    const { loadKubeConfig, isReachable } = await import('@ztv/kube');
    const kc = loadKubeConfig(kubeconfigPath ? { kubeconfigPath } : {});
    return (await isReachable(kc, { timeoutMs: 1500 })).reachable ? kc : undefined;
  } catch {
    return undefined;
  }
}

/** A bound address as a person would open it: 0.0.0.0 / :: become localhost. */
function dashboardUrl(address: string): string {
  return address.replace('://0.0.0.0', '://127.0.0.1').replace('://[::]', '://127.0.0.1');
}
