import type { Violation } from '../../engine/types';
import { meshEnrolment, podMayChangeEnrolment } from '../../state/mesh-namespace';
import { podTemplatesIn, serviceAccountOf, templatesSeenChange, workloadName } from '../../state/mesh-workloads';
import { podLikeOf, workloadKinds } from '../../state/workloads';
import { namespaceRule, objectSubject } from '../network/scopes';

/**
 * Istio's SPIFFE identity is per ServiceAccount, so a StatefulSet's peers can only be told apart from other callers
 * when the ServiceAccount is theirs alone. Fires for a StatefulSet with more than one replica (replicas talk to each
 * other: replication, gossip, quorum — traffic an AuthorizationPolicy should restrict to the set itself) in a meshed
 * namespace whose pods run as the namespace's `default` ServiceAccount, or as a ServiceAccount another workload
 * (Deployment, StatefulSet, DaemonSet, Job, CronJob, or an uncontrolled Pod) of the namespace also uses. A
 * single-replica StatefulSet has no peers, and per-pod identities are not something Istio offers at all, so
 * neither is flagged.
 */
export const statefulsetSharedIdentity = namespaceRule(
  {
    id: 'statefulset-shared-identity',
    title: 'StatefulSet replicas share an identity with other workloads',
    severity: 'medium',
    area: 'authorization',
    rationale:
      'Peer traffic between StatefulSet replicas (replication, cluster membership) should be allowed only from the set itself. When its ServiceAccount is `default` or shared, every workload with that ServiceAccount presents the same SPIFFE ID and AuthorizationPolicy cannot keep them out.',
    resolvesWhen: 'The StatefulSet runs as a ServiceAccount of its own (no other workload in the namespace uses it), is scaled to one replica, or is deleted.',
    remediation: {
      manual: 'Create a dedicated ServiceAccount for the StatefulSet, set `serviceAccountName` in its pod template, and allow peer ports only from `<trust-domain>/ns/<ns>/sa/<that account>`.',
    },
    references: [
      'https://istio.io/latest/docs/concepts/security/#istio-identity',
      'https://istio.io/latest/docs/ops/best-practices/security/#use-a-service-account-per-workload',
      'https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/',
    ],
    tags: ['identity', 'authorization'],
    thresholds: ['trustDomains'],
  },
  {
    kinds: ['Pod', ...workloadKinds],
    // StatefulSets count whole; other templates only through the ServiceAccount they run as; Pods also through enrolment.
    changeMatters: (kind, ns, before, after, ctx) =>
      kind === 'StatefulSet' ||
      (kind === 'Pod' && podMayChangeEnrolment(ctx.state, ns, before, after)) ||
      templatesSeenChange(ctx.state, kind, ns, before, after, serviceAccountOf),
    check(ns, ctx) {
      if (!meshEnrolment(ctx.state, ns)) return [];
      const templates = podTemplatesIn(ctx.state, ns);
      const out: Violation[] = [];
      for (const sts of ctx.state.resources.list('StatefulSet', ns)) {
        const replicas = typeof sts.spec?.replicas === 'number' ? sts.spec.replicas : 1;
        const pod = podLikeOf(sts);
        if (replicas <= 1 || !pod) continue;
        const sa = serviceAccountOf(pod);
        const sharedWith = templates.filter((t) => t.owner !== sts && serviceAccountOf(t) === sa).map((t) => workloadName(t.owner));
        if (sa !== 'default' && !sharedWith.length) continue;
        const why = sa === 'default' ? "the namespace's default ServiceAccount" : `ServiceAccount ${sa}, shared with ${sharedWith.join(', ')}`;
        out.push({
          ...objectSubject(sts),
          message: `StatefulSet ${ns}/${sts.metadata.name} (${replicas} replicas) runs as ${why}, so its peers cannot be told apart`,
          evidence: {
            serviceAccount: sa,
            replicas,
            principal: `${ctx.config.trustDomains[0] ?? 'cluster.local'}/ns/${ns}/sa/${sa}`,
            usesDefaultServiceAccount: sa === 'default',
            sharedWith,
          },
        });
      }
      return out;
    },
  },
);
