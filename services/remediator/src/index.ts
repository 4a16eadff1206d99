export { Remediator, type RemediatorOptions, type RemediationJobs } from './remediator';
export { runRemediation } from './runner';
export type { RunnerDeps } from './run-context';
export {
  automaticRemediation,
  defaultProtectedNamespaces,
  defaultRateLimits,
  loadRemediatorSettings,
  rateLimitFor,
  remediationConfigSchema,
  remediatorSettings,
  RemediationConfigError,
  type RateLimit,
  type RemediationConfig,
  type RemediatorSettings,
} from './config';
export { KubeOps, fieldManager, refText, type KubeObject, type ObjectRef } from './kube-ops';
export { diffObject, diffText, fieldChanges, type FieldChange, type ObjectDiff } from './diff';
export { playbooks } from './playbooks/index';
export type { Playbook, FindingRef, Target, Action, Verification } from './playbooks/types';
export { ruleViolations, resourceEvents } from './rule-check';
export type { RunRecord } from './record';
