import { podTemplatesIn, templatesSeenChange, workloadName } from '../../state/mesh-workloads';
import { refText, type DnsProtocol } from '../../state/netpol-types';
import { clusterDns, defaultDeny, namespaceLabels, networkPolicyKinds, policyViewsFor } from '../../state/netpol-view';
import { workloadKinds } from '../../state/workloads';
import { namespaceRule, namespaceSubject } from './scopes';

const both: DnsProtocol[] = ['UDP', 'TCP'];

/**
 * Egress is denied by default in the namespace (as netpol-default-deny-missing defines it) and some pod cannot reach
 * cluster DNS on both UDP and TCP 53. Each workload template (and uncontrolled Pod) is checked against the policies
 * that select it, so per-workload DNS allowances count; with no pods known, only namespace-wide allowances do.
 * A DNS allowance is an egress rule to cluster DNS pods (namespaceSelector + podSelector, Cilium toEndpoints or
 * toServices), to any destination (no `to`, an L4-only Cilium rule), to the `all`/`cluster` entities, or to an
 * ipBlock/CIDR (NodeLocal DNSCache and upstream resolvers are addressed by IP, which the rule cannot see).
 */
export const netpolDnsEgressBlocked = namespaceRule(
  {
    id: 'netpol-dns-egress-blocked',
    title: 'Default-deny egress blocks DNS',
    severity: 'medium',
    area: 'network-policy',
    rationale:
      'Once egress is default-deny, pods that are not allowed UDP and TCP 53 to cluster DNS cannot resolve names. UDP-only allowances break large responses (truncation falls back to TCP); broken resolution is what makes teams delete the default-deny policy altogether.',
    resolvesWhen: 'Every pod of the namespace is allowed egress to cluster DNS on UDP 53 and TCP 53, or egress is no longer default-deny.',
    remediation: {
      playbook: 'allow-dns-egress',
      manual:
        'Add a NetworkPolicy with `podSelector: {}` and an egress rule to `namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}` + `podSelector: {matchLabels: {k8s-app: kube-dns}}` on port 53 UDP and 53 TCP (Cilium: toEndpoints k8s:io.kubernetes.pod.namespace=kube-system, k8s-app=kube-dns with toPorts 53/ANY).',
    },
    references: [
      'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
      'https://docs.cilium.io/en/stable/security/policy/language/#dns-based',
      'https://kubernetes.io/docs/tasks/administer-cluster/dns-debugging-resolution/',
    ],
    tags: ['availability', 'network-policy'],
    thresholds: ['dnsNamespace', 'dnsPodLabels'],
  },
  {
    kinds: [...networkPolicyKinds, 'Pod', ...workloadKinds],
    everywhere: (kind) => kind === 'CiliumClusterwideNetworkPolicy',
    // Pods and workloads count as pod templates: which there are, and their labels (which pick the policies checked).
    changeMatters: (kind, ns, before, after, ctx) =>
      (networkPolicyKinds as readonly string[]).includes(kind) || templatesSeenChange(ctx.state, kind, ns, before, after, (t) => JSON.stringify(t.labels)),
    check(ns, ctx) {
      const egress = defaultDeny(ctx.state, ns, 'egress');
      if (!egress.denied) return [];
      const dns = clusterDns(ctx.state, ctx.config);
      const nsLabels = namespaceLabels(ctx.state, ns);
      const views = policyViewsFor(ctx.state, ns);
      // What each policy allows towards DNS, once per check rather than once per workload it selects.
      const dnsCache = new Map<(typeof views)[number], Set<DnsProtocol>>();
      const dnsOf = (v: (typeof views)[number]) => {
        let got = dnsCache.get(v);
        if (!got) dnsCache.set(v, (got = v.dnsProtocols(dns)));
        return got;
      };
      // What a pod the `selects` policies apply to cannot reach; the evidence (which policies allow what) only when
      // something is missing — most workloads of a namespace are fine, and are checked on every policy change.
      const missingFor = (selects: (v: (typeof views)[number]) => boolean) => {
        let udp = false;
        let tcp = false;
        for (const v of views) {
          if (udp && tcp) break;
          if (!selects(v)) continue;
          const got = dnsOf(v);
          udp ||= got.has('UDP');
          tcp ||= got.has('TCP');
        }
        if (udp && tcp) return undefined;
        const allowedBy: string[] = [];
        for (const v of views) {
          const got = selects(v) ? dnsOf(v) : undefined;
          if (got?.size) allowedBy.push(`${refText(v.ref)} (${[...got].join('+')})`);
        }
        return { missing: both.filter((p) => (p === 'UDP' ? !udp : !tcp)), allowedBy };
      };
      const pods = podTemplatesIn(ctx.state, ns);
      const blocked: { workload: string; missing: DnsProtocol[]; allowedBy: string[] }[] = [];
      if (pods.length) {
        for (const p of pods) {
          const m = missingFor((v) => v.selectsPod(ns, nsLabels, p.labels));
          if (m) blocked.push({ workload: workloadName(p.owner), ...m });
        }
      } else {
        const m = missingFor((v) => v.selectsAllPodsOf(ns, nsLabels));
        if (m) blocked.push({ workload: '(every pod)', ...m });
      }
      if (!blocked.length) return [];
      const missing = both.filter((p) => blocked.some((w) => w.missing.includes(p)));
      const who = pods.length ? `${blocked.length} of ${pods.length} workload(s)` : 'its pods';
      return [
        {
          ...namespaceSubject(ns, ctx),
          message: `Egress is default-deny in namespace ${ns} and ${who} cannot reach cluster DNS on ${missing.join(' and ')} 53`,
          evidence: {
            missingProtocols: missing,
            egressIsolatedBy: egress.isolatedBy.map(refText),
            clusterDns: { namespace: dns.namespace, podLabels: dns.podLabels },
            workloads: blocked,
          },
        },
      ];
    },
  },
);
