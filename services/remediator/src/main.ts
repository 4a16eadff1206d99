import { loadEnv } from '@ztv/config';
import {
  createLogger,
  createMetrics,
  serveOps,
  ShutdownRegistry,
  startTelemetry,
  stopTelemetry,
} from '@ztv/telemetry';

const env = loadEnv();
// Telemetry first: instrumentations patch pg, ioredis and http only as they load, so the service comes after.
await startTelemetry({ serviceName: 'ztv-remediator', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
const [
  { createBullMqJobQueue },
  { createKubeClients, isReachable, loadKubeConfig },
  { openStore },
  { loadRemediatorSettings },
  { KubeOps },
  { Remediator },
] = await Promise.all([
  import('@ztv/jobs'),
  import('@ztv/kube'),
  import('@ztv/store'),
  import('./config'),
  import('./kube-ops'),
  import('./remediator'),
]);
const logger = createLogger({ name: 'remediator', level: env.LOG_LEVEL });
const metrics = createMetrics('remediator');
const settings = loadRemediatorSettings(env);
if (!settings.enabled) logger.warn('remediation is switched off: plans are recorded, nothing is applied');
// KUBECONFIG names a file; in a pod, the service account that remediator-clusterrole.yaml is bound to.
const kc = loadKubeConfig({ kubeconfigPath: env.KUBECONFIG, inCluster: !env.KUBECONFIG });
const reach = await isReachable(kc);
if (reach.reachable) logger.info({ server: reach.gitVersion }, 'Kubernetes API reachable');
else
  logger.warn(
    { error: reach.error.message },
    'Kubernetes API not reachable yet; remediation jobs will retry',
  );
const store = openStore({
  url: env.DATABASE_URL,
  onError: (err) => logger.warn({ err }, 'idle database connection failed'),
});
const queue = createBullMqJobQueue({ redisUrl: env.REDIS_URL, prefix: env.ZTV_QUEUE_PREFIX, logger });
const remediator = new Remediator({
  queue,
  db: store.db,
  kube: new KubeOps(createKubeClients(kc, { requestTimeoutMs: env.REMEDIATION_KUBE_TIMEOUT_MS })),
  settings,
  logger,
  concurrency: env.REMEDIATION_CONCURRENCY,
});
const shutdown = new ShutdownRegistry(logger);
shutdown.register('telemetry', () => stopTelemetry());
const ops = await serveOps({
  host: env.ZTV_OPS_HOST,
  port: env.ZTV_OPS_PORT,
  registry: metrics.registry,
  tokens: env.METRICS_TOKENS,
  logger,
});
shutdown.register('ops', () => ops.close());
shutdown.register('store', () => store.close());
shutdown.register('job-queue', () => queue.close());
shutdown.register('remediator', () => (ops.setReady(false), remediator.stop()));
shutdown.installSignalHandlers((code) => process.exit(code));
remediator.start();
ops.setReady(true);
