import { loadEnv } from '@ztv/config';
import { createLogger, createMetrics, serveOps, ShutdownRegistry, startTelemetry, stopTelemetry } from '@ztv/telemetry';

const env = loadEnv();
// Telemetry first: instrumentations patch pg, ioredis, http and fastify only as they load, so the service comes after.
await startTelemetry({ serviceName: 'ztv-api', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
const [{ createBullMqJobQueue }, { openStore }, { ApiServer }] = await Promise.all([import('@ztv/jobs'), import('@ztv/store'), import('./server')]);
const logger = createLogger({ name: 'api', level: env.LOG_LEVEL });
const metrics = createMetrics('api');
const shutdown = new ShutdownRegistry(logger);
shutdown.register('telemetry', () => stopTelemetry());
const ops = await serveOps({ host: env.ZTV_OPS_HOST, port: env.ZTV_OPS_PORT, registry: metrics.registry, tokens: env.METRICS_TOKENS, logger });
shutdown.register('ops', () => ops.close());
const store = openStore({ url: env.DATABASE_URL, onError: (err) => logger.warn({ err }, 'idle database connection failed') });
shutdown.register('store', () => store.close());
const jobs = createBullMqJobQueue({ redisUrl: env.REDIS_URL, prefix: env.ZTV_QUEUE_PREFIX, logger });
shutdown.register('jobs', () => jobs.close());
// One registry: the API's own metrics are scraped from the ops port with the rest.
const api = new ApiServer({ env, store, logger, jobs, registry: metrics.registry });
shutdown.register('api', () => (ops.setReady(false), api.stop()));
shutdown.installSignalHandlers((code) => process.exit(code));
await api.start();
ops.setReady(true);
