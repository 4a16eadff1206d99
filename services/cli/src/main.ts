import { processIo } from './io';
import { runCli, version } from './program';

const code = await runCli(process.argv.slice(2), processIo(version));
// Long-running commands (start, service entrypoints) keep the event loop alive; one-shot commands exit here.
if (code !== 0 || !process.argv.slice(2).some((a) => ['start', 'collector', 'rule-worker', 'alerter', 'remediator', 'api', 'clock-probe'].includes(a))) {
  process.exitCode = code;
}
