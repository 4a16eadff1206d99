import { createKafkaEventLog } from '@ztv/bus';
import { loadEnv } from '@ztv/config';
import { applySignals, openStore } from '@ztv/store';
import { createLogger, createMetrics, ShutdownRegistry, startTelemetry } from '@ztv/telemetry';
import { Alerter } from './alerter';

const env = loadEnv();
await startTelemetry({ serviceName: 'ztv-alerter', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
const logger = createLogger({ name: 'alerter', level: env.LOG_LEVEL });
const store = openStore({ url: env.DATABASE_URL, onError: (err) => logger.warn({ err }, 'idle database connection failed') });
const eventLog = createKafkaEventLog({ brokers: env.KAFKA_BROKERS, clientId: `${env.KAFKA_CLIENT_ID}-alerter`, logger });
const alerter = new Alerter({
  eventLog,
  logger,
  metrics: createMetrics('alerter'),
  groupId: env.ALERTER_GROUP,
  topicPrefix: env.ZTV_TOPIC_PREFIX,
  applySignals: (signals) => applySignals(store.db, signals, { now: new Date(), flapWindowSeconds: env.ALERTER_FLAP_WINDOW_SECONDS }),
});
const shutdown = new ShutdownRegistry(logger);
shutdown.register('store', () => store.close());
shutdown.register('event-log', () => eventLog.close());
shutdown.register('alerter', () => alerter.stop());
shutdown.installSignalHandlers((code) => process.exit(code));
await alerter.start();
