export * from './config';
export * from './engine/types';
export { RuleEngine, type EngineOptions, type EngineResult } from './engine/engine';
export { matchesSelector, isEmptySelector } from './engine/selector';
export { exceptionFor, IGNORE_ANNOTATION, IGNORE_REASON_ANNOTATION } from './engine/exceptions';
export { ClusterState, type StateSlice } from './state/cluster-state';
export { ResourceIndex } from './state/resource-index';
export { asKubeObject, type KubeObject } from './state/kube-object';
export { baselineRules, ruleById } from './pack';
