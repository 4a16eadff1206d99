/* eslint-disable @typescript-eslint/no-explicit-any */
import type { LabelSelector } from '../config';
import { isEmptySelector, matchesSelector } from '../engine/selector';
import type { KubeObject } from './kube-object';
import { cidrContains, isWholeSpace, parseCidr } from './netpol-cidr';
import type { AllowAllHit, ClusterDns, Direction, DnsProtocol, MetadataHit, PolicyView } from './netpol-types';

type Rule = Record<string, any>;
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

const NS_KEY = 'io.kubernetes.pod.namespace';
const NS_LABEL_PREFIX = 'io.cilium.k8s.namespace.labels.';
const l3Fields: Record<Direction, string[]> = {
  ingress: ['fromEndpoints', 'fromEntities', 'fromCIDR', 'fromCIDRSet', 'fromRequires', 'fromGroups', 'fromNodes'],
  egress: ['toEndpoints', 'toEntities', 'toCIDR', 'toCIDRSet', 'toFQDNs', 'toServices', 'toGroups', 'toNodes', 'toRequires'],
};

/** Cilium label keys carry a source prefix (`k8s:`, `any:`); selectors match on the bare key. */
function normalize(sel: LabelSelector | undefined): LabelSelector {
  const bare = (k: string) => k.replace(/^(k8s|any):/, '');
  return {
    matchLabels: Object.fromEntries(Object.entries(sel?.matchLabels ?? {}).map(([k, v]) => [bare(k), v])),
    matchExpressions: (sel?.matchExpressions ?? []).map((e) => ({ ...e, key: bare(e.key) })),
  };
}

const isNamespaceKey = (k: string) => k === NS_KEY || k.startsWith(NS_LABEL_PREFIX);

/** The labels Cilium gives every endpoint of a namespace: its name and the namespace's own labels. */
export function ciliumNamespaceLabels(ns: string, nsLabels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { [NS_KEY]: ns };
  for (const [k, v] of Object.entries(nsLabels)) out[NS_LABEL_PREFIX + k] = v;
  return out;
}

/** A selector that constrains only namespace-level labels selects every endpoint of the namespaces it matches. */
function selectsWholeNamespace(sel: LabelSelector, nsView: Record<string, string>): boolean {
  const keys = [...Object.keys(sel.matchLabels ?? {}), ...(sel.matchExpressions ?? []).map((e) => e.key)];
  return keys.every(isNamespaceKey) && matchesSelector(sel, nsView);
}

/** Cilium ports: a string number, "0" (every port) or a name; protocol ANY when absent. */
function portRuleCovers(pr: Rule | undefined, proto: string, port: number, names: Record<string, string> = {}): boolean {
  const ports = list(pr?.ports);
  if (!ports.length) return true;
  return ports.some((p: { port?: string | number; endPort?: number; protocol?: string }) => {
    const pp = (p.protocol ?? 'ANY').toUpperCase();
    if (pp !== 'ANY' && pp !== proto) return false;
    const raw = String(p.port ?? '0');
    if (!/^\d+$/.test(raw)) return names[raw] === proto;
    const n = Number(raw);
    return n === 0 || (p.endPort ? n <= port && port <= p.endPort : n === port);
  });
}
const toPortsCover = (rule: Rule, proto: string, port: number, names?: Record<string, string>) =>
  !list(rule.toPorts).length || list(rule.toPorts).some((pr) => portRuleCovers(pr, proto, port, names));

const dnsPortNames = { dns: 'UDP', 'dns-tcp': 'TCP' };

/** The PolicyViews of a CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy: `spec` and each of `specs`. */
export function ciliumPolicyViews(obj: KubeObject): PolicyView[] {
  const specs: Rule[] = [...(obj.spec ? [obj.spec] : []), ...list(obj.specs)];
  return specs.map((spec) => ciliumRuleView(obj, spec));
}

function ciliumRuleView(obj: KubeObject, spec: Rule): PolicyView {
  const clusterwide = obj.kind === 'CiliumClusterwideNetworkPolicy';
  const policyNs = obj.metadata.namespace ?? 'default';
  // Host policies (nodeSelector) select nodes, not pods.
  const sel = spec.endpointSelector && !spec.nodeSelector ? normalize(spec.endpointSelector) : undefined;
  const inScope = (ns: string) => clusterwide || ns === policyNs;
  const rules = (dir: Direction): Rule[] => list(spec[dir]);
  const hasL3 = (rule: Rule, dir: Direction) => l3Fields[dir].some((f) => rule[f] !== undefined && rule[f] !== null);
  /** A rule's peer set is "everyone" for a destination check: an L4-only rule (ports, no peers) matches any peer. */
  const l4Only = (rule: Rule, dir: Direction) => !hasL3(rule, dir) && list(rule.toPorts).length > 0;
  return {
    ref: { kind: obj.kind, ...(clusterwide ? {} : { namespace: policyNs }), name: obj.metadata.name },
    object: obj,
    selectsAllPodsOf: (ns, nsLabels) => !!sel && inScope(ns) && selectsWholeNamespace(sel, ciliumNamespaceLabels(ns, nsLabels)),
    selectsPod: (ns, nsLabels, podLabels) =>
      !!sel && inScope(ns) && matchesSelector(sel, { ...podLabels, ...ciliumNamespaceLabels(ns, nsLabels) }),
    isolates(dir) {
      // enableDefaultDeny wins when set; otherwise any rule in the section (allow or deny) puts selected endpoints
      // into default deny. An empty list is as if the section were absent.
      const explicit = spec.enableDefaultDeny?.[dir];
      if (typeof explicit === 'boolean') return explicit;
      return rules(dir).length > 0 || list(spec[`${dir}Deny`]).length > 0;
    },
    allowAll(dir) {
      const hits: AllowAllHit[] = [];
      rules(dir).forEach((rule, i) => {
        if (list(rule.toPorts).length || !hasL3(rule, dir)) return; // port-restricted, or `{}` (allows nothing)
        const hit = allowAllPeer(rule, dir, clusterwide);
        if (hit) hits.push({ direction: dir, rule: i, ...hit, excerpt: rule });
      });
      return hits;
    },
    dnsProtocols(dns) {
      const out = new Set<DnsProtocol>();
      for (const rule of rules('egress')) {
        if (!l4Only(rule, 'egress') && !reachesDns(rule, dns, clusterwide, policyNs)) continue;
        for (const proto of ['UDP', 'TCP'] as const) if (toPortsCover(rule, proto, 53, dnsPortNames)) out.add(proto);
      }
      return out;
    },
    metadataHits(addresses, metaPorts) {
      const hits: MetadataHit[] = [];
      rules('egress').forEach((rule, i) => {
        if (!metaPorts.some((p) => toPortsCover(rule, 'TCP', p))) return;
        for (const address of addresses) {
          const hit = metadataPeer(rule, address, l4Only(rule, 'egress'));
          if (hit) hits.push({ address, rule: i, ...hit, excerpt: rule });
        }
      });
      return hits;
    },
  };
}

function allowAllPeer(rule: Rule, dir: Direction, clusterwide: boolean): Pick<AllowAllHit, 'scope' | 'reason'> | undefined {
  const entities: string[] = list(rule[dir === 'ingress' ? 'fromEntities' : 'toEntities']);
  if (entities.includes('all')) return { scope: 'everything', reason: 'entity "all" matches every peer inside and outside the cluster' };
  const world = entities.find((e) => e === 'world' || e === 'world-ipv4' || e === 'world-ipv6');
  if (world) return { scope: 'internet', reason: `entity "${world}" matches every address outside the cluster` };
  if (entities.includes('cluster')) return { scope: 'all-pods', reason: 'entity "cluster" matches every endpoint in the cluster' };
  const prefix = dir === 'ingress' ? 'from' : 'to';
  const whole = [...list(rule[`${prefix}CIDR`]).map((c: string) => ({ cidr: c })), ...list(rule[`${prefix}CIDRSet`])].find(
    (c: { cidr?: string; except?: string[] }) => {
      const parsed = c.cidr ? parseCidr(c.cidr) : undefined;
      return parsed && isWholeSpace(parsed) && !list(c.except).length;
    },
  );
  if (whole) return { scope: 'internet', reason: `CIDR ${whole.cidr} without except matches every address` };
  // In a namespaced policy an empty endpoint selector means "this namespace"; cluster-wide it means every endpoint.
  if (clusterwide && list(rule[`${prefix}Endpoints`]).some((s: LabelSelector) => isEmptySelector(s))) {
    return { scope: 'all-pods', reason: 'an empty endpoint selector in a cluster-wide policy matches every endpoint' };
  }
  return undefined;
}

function reachesDns(rule: Rule, dns: ClusterDns, clusterwide: boolean, policyNs: string): boolean {
  const entities: string[] = list(rule.toEntities);
  if (entities.includes('all') || entities.includes('cluster')) return true;
  // CIDR peers count: NodeLocal DNSCache and upstream resolvers are addressed by IP, which we cannot see.
  if (list(rule.toCIDR).length || list(rule.toCIDRSet).length) return true;
  const svc = list(rule.toServices).some(
    (s: Rule) => s.k8sService?.namespace === dns.namespace && ['kube-dns', 'coredns'].includes(s.k8sService?.serviceName),
  );
  if (svc) return true;
  const dnsView = { ...dns.podLabels, ...ciliumNamespaceLabels(dns.namespace, dns.namespaceLabels) };
  return list(rule.toEndpoints).some((raw: LabelSelector) => {
    const s = normalize(raw);
    const namesNs = Object.keys(s.matchLabels ?? {}).includes(NS_KEY) || (s.matchExpressions ?? []).some((e) => e.key === NS_KEY);
    // A namespaced policy's endpoint selectors without a namespace stay inside the policy's namespace.
    if (!clusterwide && !namesNs && policyNs !== dns.namespace) return false;
    return matchesSelector(s, dnsView);
  });
}

function metadataPeer(rule: Rule, address: string, anyPeer: boolean): Pick<MetadataHit, 'cidr' | 'via'> | undefined {
  const v6 = address.includes(':');
  const whole = v6 ? '::/0' : '0.0.0.0/0';
  if (anyPeer) return { cidr: whole, via: 'an L4-only egress rule (toPorts, no peers): every destination' };
  const entities: string[] = list(rule.toEntities);
  const entity = entities.find((e) => e === 'all' || e === 'world' || e === (v6 ? 'world-ipv6' : 'world-ipv4'));
  if (entity) return { cidr: whole, via: `entity "${entity}"` };
  const sets = [...list(rule.toCIDR).map((c: string) => ({ cidr: c })), ...list(rule.toCIDRSet)];
  for (const c of sets as { cidr?: string; except?: string[] }[]) {
    const parsed = c.cidr ? parseCidr(c.cidr) : undefined;
    if (!parsed || !cidrContains(parsed, address)) continue;
    if (list(c.except).some((e: string) => { const x = parseCidr(e); return !!x && cidrContains(x, address); })) continue;
    return { cidr: c.cidr as string, via: `CIDR ${c.cidr}${list(c.except).length ? ` (except ${list(c.except).join(', ')})` : ''}` };
  }
  return undefined;
}
