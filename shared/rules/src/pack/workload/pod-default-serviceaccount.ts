import { describe, podSpecRule } from './pod-spec-rule';

const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';

/** The ServiceAccount a pod spec runs as, and which field said so (serviceAccount is the deprecated alias). */
export function serviceAccountOf(spec: Record<string, unknown>): { name: string; field: string } {
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName) return { name: spec.serviceAccountName, field: 'serviceAccountName' };
  if (typeof spec.serviceAccount === 'string' && spec.serviceAccount) return { name: spec.serviceAccount, field: 'serviceAccount (deprecated)' };
  return { name: 'default', field: 'unset (Kubernetes assigns default)' };
}

/** A pod (template) that runs as its namespace's `default` ServiceAccount. */
export const podDefaultServiceAccount = podSpecRule(
  {
    id: 'pod-default-serviceaccount',
    title: "Pod runs as the namespace's default ServiceAccount",
    severity: 'medium',
    area: 'workload',
    rationale:
      "The ServiceAccount is the workload's identity: Kubernetes RBAC, the SPIFFE ID in its mesh certificate (spiffe://<trust-domain>/ns/<ns>/sa/<sa>) and every AuthorizationPolicy principal are keyed by it. Every pod that does not name one runs as `default`, so all of them share one identity: a policy that lets one in lets all in, and a compromise of any of them carries the others' permissions. Zero trust needs a dedicated identity per workload.",
    resolvesWhen:
      'The workload (or uncontrolled Pod) names a dedicated ServiceAccount in spec.serviceAccountName, or is deleted.',
    remediation: {
      manual:
        'Create a ServiceAccount per workload (automountServiceAccountToken: false unless it calls the API server), set spec.template.spec.serviceAccountName to it, grant it only the RBAC it needs, and update AuthorizationPolicy principals to the new identity before rolling out.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/security/service-accounts/',
      'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/',
      'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
      'https://istio.io/latest/docs/concepts/security/#istio-identity',
    ],
    tags: ['identity', 'CIS Kubernetes 5.1.5', 'MITRE T1078 Valid Accounts'],
    thresholds: ['trustDomains'],
  },
  (pod, ctx) => {
    const obj = pod.owner;
    // Mirror (static) pods cannot use a ServiceAccount at all; there is nothing to name.
    if (obj.kind === 'Pod' && obj.metadata.annotations?.[MIRROR_POD_ANNOTATION] !== undefined) return undefined;
    const sa = serviceAccountOf(pod.spec);
    if (sa.name !== 'default') return undefined;
    const ns = obj.metadata.namespace ?? 'default';
    const saObject = ctx.state.resources.get('ServiceAccount', ns, 'default');
    const automount = pod.spec.automountServiceAccountToken ?? saObject?.automountServiceAccountToken;
    return {
      message: `${describe(obj)} runs as the namespace's default ServiceAccount (${sa.field}), sharing one identity with every pod that does not name its own`,
      evidence: {
        serviceAccountName: sa.name,
        field: sa.field,
        identity: `spiffe://${ctx.config.trustDomains[0] ?? 'cluster.local'}/ns/${ns}/sa/default`,
        automountServiceAccountToken: automount ?? 'unset (token mounted)',
      },
    };
  },
);
