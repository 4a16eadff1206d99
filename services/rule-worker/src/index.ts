export { RuleWorker, type RuleWorkerOptions } from './rule-worker';
export { decodeEvent } from './decode';
