import { loadEnv } from '@ztv/config';
import { createLogger, createMetrics, serveOps, ShutdownRegistry, startTelemetry, stopTelemetry } from '@ztv/telemetry';

const env = loadEnv();
// Telemetry first: instrumentations patch kafkajs, http and fastify only as they load, so the service comes after.
await startTelemetry({ serviceName: 'ztv-collector', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
const { Collector } = await import('./collector');
const logger = createLogger({ name: 'collector', level: env.LOG_LEVEL });
const metrics = createMetrics('collector');
const collector = new Collector({ env, logger, metrics });
const shutdown = new ShutdownRegistry(logger);
shutdown.register('telemetry', () => stopTelemetry());
const ops = await serveOps({ host: env.ZTV_OPS_HOST, port: env.ZTV_OPS_PORT, registry: metrics.registry, tokens: env.METRICS_TOKENS, logger });
shutdown.register('ops', () => ops.close());
shutdown.register('collector', () => (ops.setReady(false), collector.stop()));
shutdown.installSignalHandlers((code) => process.exit(code));
await collector.start();
ops.setReady(true);
