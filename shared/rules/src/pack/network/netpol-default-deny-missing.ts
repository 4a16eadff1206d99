import { directions, refText } from '../../state/netpol-types';
import { defaultDeny, networkPolicyKinds } from '../../state/netpol-view';
import { namespaceRule, namespaceSubject } from './scopes';

/**
 * Every pod of the namespace must start from deny-all in both directions. A direction is default-deny when a policy
 * selecting every pod of the namespace isolates it (NetworkPolicy `podSelector: {}` with the direction in its
 * (defaulted) policyTypes; CiliumNetworkPolicy with an empty or namespace-only endpointSelector and a non-empty
 * ingress/egress(Deny) section or enableDefaultDeny; the same from a CiliumClusterwideNetworkPolicy, which reaches
 * every namespace its selector matches), and no namespace-wide rule lets every peer back in. Ingress and egress may
 * come from different policies.
 */
export const netpolDefaultDenyMissing = namespaceRule(
  {
    id: 'netpol-default-deny-missing',
    title: 'Namespace has no default-deny network policy',
    severity: 'high',
    area: 'network-policy',
    rationale:
      'Kubernetes allows all pod traffic until a policy selects a pod. Without a namespace-wide default deny for ingress and egress, one compromised pod can reach every other pod and the internet: zero trust starts from deny-all at L3/L4 and allows only what is needed.',
    resolvesWhen:
      'A NetworkPolicy (podSelector {} with policyTypes Ingress and Egress), a CiliumNetworkPolicy with an empty endpointSelector, or a CiliumClusterwideNetworkPolicy covering the namespace puts every pod into default deny in both directions.',
    remediation: {
      playbook: 'apply-default-deny',
      manual:
        'Apply a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress, Egress]` and no rules, plus an egress allowance for DNS (UDP and TCP 53 to kube-dns), then add allow policies for the traffic each workload needs.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies',
      'https://docs.cilium.io/en/stable/security/policy/intro/',
      'https://docs.cilium.io/en/stable/security/policy/language/#ingress-egress-default-deny',
    ],
    tags: ['zero-trust', 'lateral-movement', 'MITRE TA0008 Lateral Movement'],
    thresholds: ['ignoredNamespaces', 'exceptions'],
  },
  {
    kinds: networkPolicyKinds,
    everywhere: (kind) => kind === 'CiliumClusterwideNetworkPolicy',
    check(ns, ctx) {
      const verdicts = directions.map((dir) => ({ dir, ...defaultDeny(ctx.state, ns, dir) }));
      const missing = verdicts.filter((v) => !v.denied);
      if (!missing.length) return [];
      const evidence: Record<string, unknown> = {};
      for (const v of verdicts) {
        evidence[v.dir] = {
          defaultDeny: v.denied,
          isolatedBy: v.isolatedBy.map(refText),
          ...(v.reopenedBy.length
            ? { reopenedBy: v.reopenedBy.map((h) => ({ policy: refText(h.policy), rule: h.rule, reason: h.reason })) }
            : {}),
        };
      }
      const what = missing.map((m) => m.dir).join(' and ');
      return [
        {
          ...namespaceSubject(ns, ctx),
          message: `Namespace ${ns} has no default-deny ${what} policy covering all of its pods`,
          evidence: { missing: missing.map((m) => m.dir), ...evidence },
        },
      ];
    },
  },
);
