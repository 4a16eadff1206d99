import { loadEnv } from '@ztv/config';
import { createLogger, createMetrics, serveOps, ShutdownRegistry, startTelemetry, stopTelemetry } from '@ztv/telemetry';

const env = loadEnv();
// Telemetry first: instrumentations patch kafkajs, pg and ioredis only as they load, so the service comes after.
await startTelemetry({ serviceName: 'ztv-alerter', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
const [{ createKafkaEventLog }, { applySignals, openStore }, { Alerter }] = await Promise.all([import('@ztv/bus'), import('@ztv/store'), import('./alerter')]);
const logger = createLogger({ name: 'alerter', level: env.LOG_LEVEL });
const metrics = createMetrics('alerter');
const store = openStore({ url: env.DATABASE_URL, onError: (err) => logger.warn({ err }, 'idle database connection failed') });
const eventLog = createKafkaEventLog({ brokers: env.KAFKA_BROKERS, clientId: `${env.KAFKA_CLIENT_ID}-alerter`, logger });
const alerter = new Alerter({
  eventLog,
  logger,
  metrics,
  groupId: env.ALERTER_GROUP,
  topicPrefix: env.ZTV_TOPIC_PREFIX,
  applySignals: (signals) => applySignals(store.db, signals, { now: new Date(), flapWindowSeconds: env.ALERTER_FLAP_WINDOW_SECONDS }),
});
const shutdown = new ShutdownRegistry(logger);
shutdown.register('telemetry', () => stopTelemetry());
const ops = await serveOps({ host: env.ZTV_OPS_HOST, port: env.ZTV_OPS_PORT, registry: metrics.registry, tokens: env.METRICS_TOKENS, logger });
shutdown.register('ops', () => ops.close());
shutdown.register('store', () => store.close());
shutdown.register('event-log', () => eventLog.close());
shutdown.register('alerter', () => (ops.setReady(false), alerter.stop()));
shutdown.installSignalHandlers((code) => process.exit(code));
await alerter.start();
ops.setReady(true);
