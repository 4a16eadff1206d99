import type { FlowData } from '@ztv/events';
import type { EventRule, RuleContext, Violation } from '../../engine/types';
import { isKubeIdentity, kubeIdentityOf } from '../identity/spiffe-id';
import { endpointName, endpointPod, endpointSubject, flowEvidence, resolveEndpoint } from './flow-util';
import { podDirectory } from '../../state/pods';

/**
 * The principal the source presented. `source.principal` is explicit; `mtls.peerPrincipal` is the source's only
 * where the reporter sits on the receiving side (on an outbound sidecar the peer is the destination).
 */
function sourcePrincipal(f: FlowData): string | undefined {
  if (f.source.principal) return f.source.principal;
  const receiving = f.reporter === 'sidecar-inbound' || f.reporter === 'gateway' || (f.reporter === 'ztunnel' && f.direction === 'ingress');
  return receiving ? f.mtls.peerPrincipal : undefined;
}

/**
 * The source pod's namespace and ServiceAccount, from evidence independent of the certificate: the Pod in state
 * (named by the flow, or found by its IP; spec.serviceAccountName, default 'default'), else the flow's own
 * serviceAccount when no principal was there to derive it from (Cilium reads it from the pod's labels). `pod`: the
 * Pod it came from, when it did.
 */
function sourceAccount(f: FlowData, ctx: RuleContext): { namespace: string; name: string; pod?: string } | undefined {
  const pod = endpointPod(f.source, ctx);
  if (pod) return { namespace: pod.namespace, name: pod.account as string, pod: pod.name };
  if (f.source.serviceAccount && f.source.namespace && !f.source.principal) {
    return { namespace: f.source.namespace, name: f.source.serviceAccount };
  }
  return undefined;
}

/** The mTLS peer principal does not match the ServiceAccount of the source pod. */
export const flowIdentityMismatch: EventRule = {
  kind: 'event',
  id: 'flow-identity-mismatch',
  title: 'Peer identity does not match the source pod',
  severity: 'high',
  area: 'flows',
  on: ['flow'],
  indexes: [podDirectory],
  rationale:
    'A connection whose certificate names a different ServiceAccount than the pod it came from means a workload is presenting someone else\'s identity: a stolen SVID or key, or a misissued certificate. Authorization policy would grant it the other identity\'s rights.',
  resolvesWhen: 'Event-based: resolved by the alerter after the quiet period with no new occurrence.',
  remediation: {
    playbook: 'quarantine-pod',
    manual:
      'Treat the source pod as compromised until explained: check which certificate it serves (istioctl proxy-config secret), which node agent issued it and whether its key was mounted from elsewhere; rotate the impersonated identity (restart its workloads) and review SPIRE entries / CA access.',
  },
  references: [
    'https://istio.io/latest/docs/concepts/security/#authentication',
    'https://github.com/spiffe/spiffe/blob/main/standards/X509-SVID.md',
    'https://kubernetes.io/docs/concepts/security/service-accounts/',
  ],
  tags: ['flows', 'identity', 'MITRE T1550 Use Alternate Authentication Material'],
  check(event, ctx): Violation[] {
    if (event.type !== 'flow') return [];
    const f = event.data;
    const principal = f.isReply ? undefined : sourcePrincipal(f);
    if (!principal) return [];
    const sa = sourceAccount(f, ctx);
    // The common case, answered without taking the principal apart: it is the pod's own ServiceAccount.
    if (!sa || (typeof sa.name === 'string' && isKubeIdentity(principal, sa.namespace, sa.name))) return [];
    const id = kubeIdentityOf(principal);
    if (!id || (id.namespace === sa.namespace && id.serviceAccount === sa.name)) return [];
    const source = { ...f.source, namespace: sa.namespace, ...(sa.pod ? { pod: sa.pod } : {}) };
    const who = endpointSubject(source, ctx);
    if (!who) return [];
    return [
      {
        ...who,
        message: `${endpointName(source)} runs as ServiceAccount ${sa.namespace}/${sa.name} but presented ${principal} to ${endpointName(resolveEndpoint(f.destination, ctx))}.`,
        evidence: {
          principal,
          presentedNamespace: id.namespace,
          presentedServiceAccount: id.serviceAccount,
          expectedNamespace: sa.namespace,
          expectedServiceAccount: sa.name,
          serviceAccountFrom: sa.pod ? `Pod ${sa.namespace}/${sa.pod}` : `${f.reporter} flow`,
          ...flowEvidence(event),
        },
      },
    ];
  },
};
