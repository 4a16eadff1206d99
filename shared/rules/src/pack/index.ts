import type { Rule } from '../engine/types';
import { policyTampered } from './audit/policy-tampered';
import { execIntoWorkload } from './audit/exec-into-workload';
import { networkRules } from './network';
import { meshRules } from './mesh';
import { workloadRules } from './workload';
import { identityRules } from './identity';
import { flowRules } from './flows';

/** The ZTA baseline v1 rule pack (DESIGN §4). Ids are stable. */
export const baselineRules: Rule[] = [
  ...identityRules,
  ...networkRules,
  ...meshRules,
  ...workloadRules,
  ...flowRules,
  policyTampered,
  execIntoWorkload,
];

export function ruleById(id: string): Rule | undefined {
  return baselineRules.find((r) => r.id === id);
}
