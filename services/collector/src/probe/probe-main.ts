import { loadEnv } from '@ztv/config';
import { createLogger, ShutdownRegistry } from '@ztv/telemetry';
import { ChronyProbe } from './chrony-probe';

// The clock-probe DaemonSet's entrypoint (`tsx src/probe/probe-main.ts`): wiring only.
const env = loadEnv();
const logger = createLogger({ name: 'clock-probe', level: env.LOG_LEVEL });
if (!env.NODE_NAME) {
  logger.fatal('NODE_NAME is required (set it from the downward API: spec.nodeName)');
  process.exit(2);
}
const probe = new ChronyProbe({
  collectorUrl: env.PROBE_COLLECTOR_URL,
  node: env.NODE_NAME,
  tokenFile: env.PROBE_TOKEN_FILE,
  chronycPath: env.PROBE_CHRONYC_PATH,
  intervalMs: env.PROBE_INTERVAL_SECONDS * 1000,
  logger,
});
const shutdown = new ShutdownRegistry(logger);
shutdown.register('clock-probe', async () => probe.stop());
shutdown.installSignalHandlers((code) => process.exit(code));
probe.start();
