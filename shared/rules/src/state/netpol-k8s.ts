/* eslint-disable @typescript-eslint/no-explicit-any */
import { isEmptySelector, matchesSelector } from '../engine/selector';
import type { KubeObject } from './kube-object';
import { cidrContains, isWholeSpace, parseCidr } from './netpol-cidr';
import type { AllowAllHit, ClusterDns, Direction, DnsProtocol, MetadataHit, PolicyView } from './netpol-types';

type Rule = Record<string, any>;
type Peer = Record<string, any>;
type Port = { protocol?: string; port?: number | string; endPort?: number };

/**
 * policyTypes as the API server defaults them: when absent, Ingress always, and Egress only if the policy has egress
 * rules (an empty `egress: []` adds nothing).
 */
export function npPolicyTypes(spec: Record<string, any>): Set<Direction> {
  if (Array.isArray(spec.policyTypes) && spec.policyTypes.length) {
    return new Set(spec.policyTypes.map((t: string) => String(t).toLowerCase() as Direction));
  }
  const out = new Set<Direction>(['ingress']);
  if (Array.isArray(spec.egress) && spec.egress.length) out.add('egress');
  return out;
}

const peersOf = (rule: Rule, dir: Direction): Peer[] => (dir === 'ingress' ? rule.from : rule.to) ?? [];
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

/** A NetworkPolicy port entry covers `port`/`protocol`; named ports resolve only through `names`. */
function portCovers(p: Port, protocol: string, port: number, names: Record<string, string> = {}): boolean {
  if ((p.protocol ?? 'TCP').toUpperCase() !== protocol) return false;
  if (p.port === undefined || p.port === null) return true;
  const n = typeof p.port === 'number' ? p.port : /^\d+$/.test(p.port) ? Number(p.port) : undefined;
  if (n === undefined) return names[p.port] === protocol;
  return p.endPort ? n <= port && port <= p.endPort : n === port;
}

/** CoreDNS / kube-dns name their container ports `dns` (UDP 53) and `dns-tcp` (TCP 53); named NetworkPolicy ports resolve against them. */
const dnsPortNames = { dns: 'UDP', 'dns-tcp': 'TCP' };

/** A Kubernetes NetworkPolicy (networking.k8s.io/v1) as a PolicyView. */
export function k8sPolicyView(np: KubeObject): PolicyView {
  const spec: Record<string, any> = np.spec ?? {};
  const ns = np.metadata.namespace ?? 'default';
  const types = npPolicyTypes(spec);
  // Rules of a direction the policy does not enforce (policyTypes without it) have no effect.
  const rules = (dir: Direction): Rule[] => (types.has(dir) ? list(spec[dir]) : []);
  return {
    ref: { kind: np.kind, namespace: ns, name: np.metadata.name },
    object: np,
    selectsAllPodsOf: (target) => target === ns && isEmptySelector(spec.podSelector),
    selectsPod: (target, _nsLabels, podLabels) => target === ns && matchesSelector(spec.podSelector ?? {}, podLabels),
    isolates: (dir) => types.has(dir),
    allowAll(dir) {
      const hits: AllowAllHit[] = [];
      rules(dir).forEach((rule, i) => {
        if (list(rule.ports).length) return; // restricted to some ports: not everything
        const hit = allowAllPeer(peersOf(rule, dir));
        if (hit) hits.push({ direction: dir, rule: i, ...hit, excerpt: rule });
      });
      return hits;
    },
    dnsProtocols(dns) {
      const out = new Set<DnsProtocol>();
      for (const rule of rules('egress')) {
        const peers = peersOf(rule, 'egress');
        if (peers.length && !peers.some((p) => reachesDns(p, ns, dns))) continue;
        const ports: Port[] = list(rule.ports);
        for (const proto of ['UDP', 'TCP'] as const) {
          if (!ports.length || ports.some((p) => portCovers(p, proto, 53, dnsPortNames))) out.add(proto);
        }
      }
      return out;
    },
    metadataHits(addresses, metaPorts) {
      const hits: MetadataHit[] = [];
      rules('egress').forEach((rule, i) => {
        const ports: Port[] = list(rule.ports);
        if (ports.length && !metaPorts.some((mp) => ports.some((p) => portCovers(p, 'TCP', mp)))) return;
        const peers = peersOf(rule, 'egress');
        for (const address of addresses) {
          if (!peers.length) {
            const any = address.includes(':') ? '::/0' : '0.0.0.0/0';
            hits.push({ address, rule: i, cidr: any, via: 'an egress rule with no `to`: every destination', excerpt: rule });
            continue;
          }
          for (const p of peers) {
            const block = p.ipBlock as { cidr?: string; except?: string[] } | undefined;
            const cidr = block?.cidr ? parseCidr(block.cidr) : undefined;
            if (!cidr || !cidrContains(cidr, address)) continue;
            const excepted = list(block?.except).some((e: string) => {
              const c = parseCidr(e);
              return c !== undefined && cidrContains(c, address);
            });
            if (excepted) continue;
            const via = `ipBlock ${block?.cidr}${list(block?.except).length ? ` (except ${list(block?.except).join(', ')})` : ''}`;
            hits.push({ address, rule: i, cidr: block?.cidr as string, via, excerpt: rule });
          }
        }
      });
      return hits;
    },
  };
}

function allowAllPeer(peers: Peer[]): Pick<AllowAllHit, 'scope' | 'reason'> | undefined {
  if (!peers.length) return { scope: 'everything', reason: 'a rule with no peers and no ports matches every peer on every port' };
  for (const p of peers) {
    const block = p.ipBlock as { cidr?: string; except?: string[] } | undefined;
    const cidr = block?.cidr ? parseCidr(block.cidr) : undefined;
    if (cidr && isWholeSpace(cidr) && !list(block?.except).length) {
      return { scope: 'internet', reason: `ipBlock ${block?.cidr} without except matches every address` };
    }
    if (p.namespaceSelector && isEmptySelector(p.namespaceSelector) && isEmptySelector(p.podSelector)) {
      return { scope: 'all-pods', reason: 'an empty namespaceSelector (and podSelector) matches every pod in every namespace' };
    }
  }
  return undefined;
}

/** A `to` peer that includes cluster DNS. An ipBlock counts: NodeLocal DNSCache and upstream resolvers are addressed by IP, which we cannot see. */
function reachesDns(p: Peer, policyNs: string, dns: ClusterDns): boolean {
  if (p.ipBlock) return true;
  const podOk = matchesSelector(p.podSelector ?? {}, dns.podLabels);
  if (p.namespaceSelector) return podOk && matchesSelector(p.namespaceSelector, dns.namespaceLabels);
  return podOk && policyNs === dns.namespace;
}
