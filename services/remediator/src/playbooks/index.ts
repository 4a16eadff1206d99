import { allowDnsEgress } from './allow-dns-egress';
import { applyAuthzAllowNothing } from './apply-authz-allow-nothing';
import { applyDefaultDeny } from './apply-default-deny';
import { cordonNode } from './cordon-node';
import { enforceStrictMtls } from './enforce-strict-mtls';
import { quarantinePod } from './quarantine-pod';
import { rolloutRestart } from './rollout-restart';
import type { Playbook } from './types';

/** Every playbook (DESIGN §6), by id: the ids the rule catalogue's `remediation.playbook` names. */
export const playbooks: ReadonlyMap<string, Playbook> = new Map(
  (
    [
      applyDefaultDeny,
      allowDnsEgress,
      enforceStrictMtls,
      applyAuthzAllowNothing,
      rolloutRestart,
      cordonNode,
      quarantinePod,
    ] as Playbook[]
  ).map((p) => [p.id, p]),
);

export {
  allowDnsEgress,
  applyAuthzAllowNothing,
  applyDefaultDeny,
  cordonNode,
  enforceStrictMtls,
  quarantinePod,
  rolloutRestart,
};
export type {
  Action,
  Check,
  FindingRef,
  Playbook,
  PlaybookContext,
  Precheck,
  Target,
  TargetResult,
  Verification,
} from './types';
