import { createKafkaEventLog } from '@ztv/bus';
import { loadEnv } from '@ztv/config';
import { createLogger, createMetrics, ShutdownRegistry, startTelemetry } from '@ztv/telemetry';
import { loadRulesConfig } from './rules-config';
import { RuleWorker } from './rule-worker';

const env = loadEnv();
await startTelemetry({ serviceName: 'ztv-rule-worker', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
const logger = createLogger({ name: 'rule-worker', level: env.LOG_LEVEL });
const eventLog = createKafkaEventLog({ brokers: env.KAFKA_BROKERS, clientId: `${env.KAFKA_CLIENT_ID}-rule-worker`, logger });
const worker = new RuleWorker({
  eventLog,
  logger,
  metrics: createMetrics('rule-worker'),
  cluster: env.ZTV_CLUSTER,
  rulesConfig: loadRulesConfig(env),
  groupId: env.RULE_WORKER_GROUP,
  topicPrefix: env.ZTV_TOPIC_PREFIX,
});
const shutdown = new ShutdownRegistry(logger);
shutdown.register('event-log', () => eventLog.close());
shutdown.register('rule-worker', () => worker.stop());
shutdown.installSignalHandlers((code) => process.exit(code));
await worker.start();
