import { loadEnv } from '@ztv/config';
import { createBullMqJobQueue } from '@ztv/jobs';
import { openStore } from '@ztv/store';
import { createLogger, ShutdownRegistry, startTelemetry } from '@ztv/telemetry';
import { ApiServer } from './server';

const env = loadEnv();
await startTelemetry({ serviceName: 'ztv-api', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
const logger = createLogger({ name: 'api', level: env.LOG_LEVEL });
const shutdown = new ShutdownRegistry(logger);
const store = openStore({ url: env.DATABASE_URL, onError: (err) => logger.warn({ err }, 'idle database connection failed') });
shutdown.register('store', () => store.close());
const jobs = createBullMqJobQueue({ redisUrl: env.REDIS_URL, prefix: env.ZTV_QUEUE_PREFIX, logger });
shutdown.register('jobs', () => jobs.close());
const api = new ApiServer({ env, store, logger, jobs });
shutdown.register('api', () => api.stop());
shutdown.installSignalHandlers((code) => process.exit(code));
await api.start();
