import type { ClusterState, KeptIndex } from './cluster-state';
import { AddressIndex } from './address-index';
import type { KubeObject } from './kube-object';

/*
 * What flow rules ask about a Pod for every connection — which ServiceAccount it runs as, which Pod has an address —
 * kept apart from the objects: a lookup touches one small entry instead of the Pod and its spec, and a flow that names
 * its source only by IP (an inbound sidecar's access log) finds the Pod and its ServiceAccount in one step. Built from
 * the resource index on first use, then kept in step with it by the index's change listener.
 */

export interface PodEntry {
  readonly namespace: string;
  readonly name: string;
  /** spec.serviceAccountName, else the deprecated spec.serviceAccount, else `default` (as written: not checked). */
  readonly account: unknown;
  /**
   * Its addresses while it is on the pod network: status.podIPs then status.podIP, each once. None for a finished
   * (Succeeded / Failed) or host-network Pod, which shares the node's address.
   */
  readonly ips: readonly string[];
}

export interface PodDirectory {
  /** namespace → name → entry. */
  byName: Map<string, Map<string, PodEntry>>;
  /** address → the Pod that has it, or the Pods (an array, two or more) when several claim it. */
  byIp: AddressIndex<PodEntry | PodEntry[]>;
}

function ipsOf(pod: KubeObject): string[] {
  const ips: string[] = [];
  const spec = pod.spec as { hostNetwork?: unknown } | undefined;
  const status = pod.status as { phase?: unknown; podIP?: unknown; podIPs?: unknown } | undefined;
  if (!status || spec?.hostNetwork === true || status.phase === 'Succeeded' || status.phase === 'Failed') return ips;
  if (Array.isArray(status.podIPs)) {
    for (const p of status.podIPs as { ip?: unknown }[]) if (typeof p?.ip === 'string' && p.ip && !ips.includes(p.ip)) ips.push(p.ip);
  }
  if (typeof status.podIP === 'string' && status.podIP && !ips.includes(status.podIP)) ips.push(status.podIP);
  return ips;
}

function accountOf(pod: KubeObject): unknown {
  const spec = pod.spec ?? {};
  return spec.serviceAccountName ?? spec.serviceAccount ?? 'default';
}

function entryOf(pod: KubeObject, account = accountOf(pod), ips = ipsOf(pod)): PodEntry {
  return { namespace: pod.metadata.namespace ?? '', name: pod.metadata.name, account, ips };
}

function add(d: PodDirectory, e: PodEntry): void {
  let names = d.byName.get(e.namespace);
  if (!names) d.byName.set(e.namespace, (names = new Map()));
  names.set(e.name, e);
  for (const ip of e.ips) {
    const at = d.byIp.get(ip);
    if (!at) d.byIp.set(ip, e);
    else if (Array.isArray(at)) at.push(e);
    else d.byIp.set(ip, [at, e]);
  }
}

function remove(d: PodDirectory, e: PodEntry): void {
  d.byName.get(e.namespace)?.delete(e.name);
  for (const ip of e.ips) {
    const at = d.byIp.get(ip);
    if (at === e) d.byIp.delete(ip);
    else if (Array.isArray(at)) {
      const i = at.indexOf(e);
      if (i >= 0) at.splice(i, 1);
      if (at.length === 1) d.byIp.set(ip, at[0] as PodEntry);
    }
  }
}

const sameIps = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((ip, i) => ip === b[i]);

/** Pods by namespace and name, and by address (see podEntry, podAtIp). */
export const podDirectory: KeptIndex<PodDirectory> = {
  build(resources) {
    const d: PodDirectory = { byName: new Map(), byIp: new AddressIndex() };
    for (const pod of resources.list('Pod')) add(d, entryOf(pod));
    return d;
  },
  changed(d, kind, ns, name, _before, after) {
    if (kind !== 'Pod') return;
    const old = d.byName.get(ns ?? '')?.get(name);
    if (!after) {
      if (old) remove(d, old);
      return;
    }
    const account = accountOf(after);
    const ips = ipsOf(after);
    // A status update keeps the entry (most Pod events): same account, same addresses.
    if (old && old.account === account && sameIps(old.ips, ips)) return;
    if (old) remove(d, old);
    add(d, entryOf(after, account, ips));
  },
};

/** The Pod ns/name as flow rules see it, or undefined when there is no such Pod in the state. */
export function podEntry(state: ClusterState, ns: string, name: string): PodEntry | undefined {
  return state.kept(podDirectory).byName.get(ns)?.get(name);
}

/** The Pod that has `ip` when exactly one does (what a flow that names only an address is taken to come from). */
export function podAtIp(state: ClusterState, ip: string): PodEntry | undefined {
  const at = state.kept(podDirectory).byIp.get(ip);
  return Array.isArray(at) ? undefined : at;
}
