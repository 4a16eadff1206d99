import { loadEnv } from '@ztv/config';
import { createLogger, createMetrics, serveOps, ShutdownRegistry, startTelemetry, stopTelemetry } from '@ztv/telemetry';

const env = loadEnv();
// Telemetry first: instrumentations patch kafkajs only as it loads, so the service's modules come after.
await startTelemetry({ serviceName: 'ztv-rule-worker', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
const [{ createKafkaEventLog }, { loadRulesConfig }, { RuleWorker }] = await Promise.all([import('@ztv/bus'), import('./rules-config'), import('./rule-worker')]);
const logger = createLogger({ name: 'rule-worker', level: env.LOG_LEVEL });
const metrics = createMetrics('rule-worker');
const eventLog = createKafkaEventLog({ brokers: env.KAFKA_BROKERS, clientId: `${env.KAFKA_CLIENT_ID}-rule-worker`, logger });
const worker = new RuleWorker({
  eventLog,
  logger,
  metrics,
  cluster: env.ZTV_CLUSTER,
  rulesConfig: loadRulesConfig(env),
  groupId: env.RULE_WORKER_GROUP,
  instanceId: env.ZTV_INSTANCE_ID,
  topicPrefix: env.ZTV_TOPIC_PREFIX,
});
const shutdown = new ShutdownRegistry(logger);
shutdown.register('telemetry', () => stopTelemetry());
const ops = await serveOps({ host: env.ZTV_OPS_HOST, port: env.ZTV_OPS_PORT, registry: metrics.registry, tokens: env.METRICS_TOKENS, logger });
shutdown.register('ops', () => ops.close());
shutdown.register('event-log', () => eventLog.close());
shutdown.register('rule-worker', () => (ops.setReady(false), worker.stop()));
shutdown.installSignalHandlers((code) => process.exit(code));
await worker.start();
ops.setReady(true);
