export { RuleWorker, type RuleWorkerOptions } from './rule-worker';
export { decodeEvent } from './decode';
export { loadRulesConfig } from './rules-config';
