import { loadEnv } from '@ztv/config';
import { createLogger, createMetrics, serveOps, ShutdownRegistry, startTelemetry, stopTelemetry } from '@ztv/telemetry';

const env = loadEnv();
// Telemetry first: instrumentations patch kafkajs, pg and ioredis only as they load, so the service comes after.
await startTelemetry({ serviceName: 'ztv-alerter', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
const [{ createKafkaEventLog }, { createBullMqJobQueue }, { openStore }, { Alerter }, { loadRoutingConfig }, { AlertPipeline, storeDeliveryRecorder }, { createDeliveryWorker }, { RemediationTrigger, loadTriggerConfig }] =
  await Promise.all([
    import('@ztv/bus'),
    import('@ztv/jobs'),
    import('@ztv/store'),
    import('./alerter'),
    import('./alerting-config'),
    import('./lifecycle/index'),
    import('./notify/index'),
    import('./lifecycle/remediation-trigger'),
  ]);
const logger = createLogger({ name: 'alerter', level: env.LOG_LEVEL });
const metrics = createMetrics('alerter');
const routing = loadRoutingConfig(env.ZTV_CONFIG_FILE);
if (!routing) logger.warn({ configFile: env.ZTV_CONFIG_FILE }, 'no alerting section in the config file: findings are recorded, nobody is notified');
const store = openStore({ url: env.DATABASE_URL, onError: (err) => logger.warn({ err }, 'idle database connection failed') });
const eventLog = createKafkaEventLog({ brokers: env.KAFKA_BROKERS, clientId: `${env.KAFKA_CLIENT_ID}-alerter`, logger });
const jobs = createBullMqJobQueue({ redisUrl: env.REDIS_URL, prefix: env.ZTV_QUEUE_PREFIX, logger });
const remediations = new RemediationTrigger({ jobs, config: loadTriggerConfig(env.ZTV_CONFIG_FILE), logger });
const pipeline = new AlertPipeline({ db: store.db, jobs, routing, logger, flapWindowSeconds: env.ALERTER_FLAP_WINDOW_SECONDS, remediations });
const alerter = new Alerter({
  eventLog,
  logger,
  metrics,
  groupId: env.ALERTER_GROUP,
  topicPrefix: env.ZTV_TOPIC_PREFIX,
  partitionsConcurrently: env.ALERTER_CONCURRENT_PARTITIONS,
  ...pipeline.alerterHooks(env.ALERTER_TICK_SECONDS * 1000),
});
const shutdown = new ShutdownRegistry(logger);
shutdown.register('telemetry', () => stopTelemetry());
const ops = await serveOps({ host: env.ZTV_OPS_HOST, port: env.ZTV_OPS_PORT, registry: metrics.registry, tokens: env.METRICS_TOKENS, logger });
shutdown.register('ops', () => ops.close());
shutdown.register('store', () => store.close());
shutdown.register('event-log', () => eventLog.close());
// Closes the delivery worker too (draining the deliveries in flight), after the alerter stopped enqueueing.
shutdown.register('jobs', () => jobs.close());
shutdown.register('alerter', () => (ops.setReady(false), alerter.stop()));
shutdown.installSignalHandlers((code) => process.exit(code));
if (routing) createDeliveryWorker(jobs, { routing, recorder: storeDeliveryRecorder(store.db), logger, dashboardUrl: env.DASHBOARD_URL });
await alerter.start();
ops.setReady(true);
