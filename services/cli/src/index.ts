export { runCli, version } from './program';
export { processIo, UsageError, type Io } from './io';
