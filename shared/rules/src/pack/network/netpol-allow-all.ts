import { directions, refText } from '../../state/netpol-types';
import { networkPolicyKinds, policyViewsOf } from '../../state/netpol-view';
import { objectRule, objectSubject } from './scopes';

/**
 * A policy has an allow rule that lets every peer through on every port (a rule limited to some ports is not
 * allow-all). Precisely:
 * - NetworkPolicy: a rule with no from/to and no ports (`{}`); a peer `namespaceSelector: {}` with no or an empty
 *   podSelector (every pod in every namespace); an ipBlock 0.0.0.0/0 or ::/0 with no except. Rules of a direction
 *   missing from policyTypes have no effect and are not flagged.
 * - Cilium: entity `all` (everything), `world`/`world-ipv4`/`world-ipv6` (every address outside the cluster: for
 *   egress that is the whole internet), `cluster` (every endpoint in the cluster); CIDR 0.0.0.0/0 or ::/0 without
 *   except; an empty endpoint selector in a cluster-wide policy. An empty rule `{}` allows nothing in Cilium, and an
 *   empty endpoint selector in a namespaced policy means "this namespace", so neither is flagged.
 */
export const netpolAllowAll = objectRule(
  {
    id: 'netpol-allow-all',
    title: 'Network policy allows all traffic',
    severity: 'medium',
    area: 'network-policy',
    rationale:
      'Policies are additive: one rule that allows every source or destination cancels the default deny for every pod the policy selects, and usually outlives the debugging session it was written for.',
    resolvesWhen: 'The policy no longer has an ingress or egress rule that matches every peer on every port, or it is deleted.',
    remediation: {
      manual:
        'Replace the allow-all rule with the peers the workload needs (podSelector/namespaceSelector for in-cluster callers, narrow ipBlocks or Cilium toFQDNs for external services) and restrict it to the ports in use.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies',
      'https://docs.cilium.io/en/stable/security/policy/language/#entities-based',
      'https://docs.cilium.io/en/stable/security/policy/language/#ip-cidr-based',
    ],
    tags: ['zero-trust', 'lateral-movement', 'network-policy'],
  },
  networkPolicyKinds,
  (obj) => {
    const views = policyViewsOf(obj);
    const hits = views.flatMap((v) => directions.flatMap((d) => v.allowAll(d)));
    if (!hits.length) return [];
    const dirs = [...new Set(hits.map((h) => h.direction))];
    const ref = views[0]?.ref;
    return [
      {
        ...objectSubject(obj),
        message: `${ref ? refText(ref) : obj.metadata.name} allows all ${dirs.join(' and ')} traffic (${hits[0]?.reason})`,
        evidence: {
          directions: dirs,
          rules: hits.map((h) => ({ direction: h.direction, rule: h.rule, scope: h.scope, reason: h.reason, spec: h.excerpt })),
        },
      },
    ];
  },
);
