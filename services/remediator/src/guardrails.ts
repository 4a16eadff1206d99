import type { RemediatorSettings } from './config';
import type { FindingRef, Target } from './playbooks/types';

/**
 * A protected namespace (kube-system, the mesh's, SPIRE's, ztv's own; configurable) is never changed unless it is
 * listed in allowProtectedNamespaces. Returns the refusal, or undefined when the target may be changed.
 */
export function protectedNamespaceRefusal(
  settings: Pick<RemediatorSettings, 'protectedNamespaces' | 'allowProtectedNamespaces'>,
  target: Target,
): string | undefined {
  const ns = target.namespace;
  if (!ns || !settings.protectedNamespaces.includes(ns) || settings.allowProtectedNamespaces.includes(ns))
    return undefined;
  return `namespace ${ns} is protected: remediation never changes it unless remediation.allowProtectedNamespaces lists it`;
}

/** The global kill switch (REMEDIATION_ENABLED and remediation.enabled): off, nothing is applied. */
export function killSwitchRefusal(settings: Pick<RemediatorSettings, 'enabled'>): string | undefined {
  return settings.enabled
    ? undefined
    : 'remediation is switched off (REMEDIATION_ENABLED=false or remediation.enabled: false): nothing is applied';
}

/** Only a finding that still holds is acted on: a resolved or suppressed one needs no change to the cluster. */
export function findingStatusRefusal(finding: Pick<FindingRef, 'id' | 'status'>): string | undefined {
  if (finding.status === undefined || finding.status === 'open' || finding.status === 'acknowledged')
    return undefined;
  return `finding ${finding.id} is ${finding.status}: nothing to remediate`;
}
