import { loadEnv } from '@ztv/config';
import { createLogger, ShutdownRegistry, startTelemetry } from '@ztv/telemetry';
import { Collector } from './collector';

const env = loadEnv();
await startTelemetry({ serviceName: 'ztv-collector', otlpEndpoint: env.OTEL_EXPORTER_OTLP_ENDPOINT });
const logger = createLogger({ name: 'collector', level: env.LOG_LEVEL });
const collector = new Collector({ env, logger });
const shutdown = new ShutdownRegistry(logger);
shutdown.register('collector', () => collector.stop());
shutdown.installSignalHandlers((code) => process.exit(code));
await collector.start();
