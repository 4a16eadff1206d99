import type { RulesConfig } from '../config';
import type { ClusterState } from './cluster-state';
import type { KubeObject } from './kube-object';
import { ciliumPolicyViews } from './netpol-cilium';
import { k8sPolicyView } from './netpol-k8s';
import type { AllowAllHit, ClusterDns, Direction, PolicyRef, PolicyView } from './netpol-types';

export const networkPolicyKinds = ['NetworkPolicy', 'CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'] as const;

/** Views by object: a view depends on nothing but its object, which the state replaces (never edits) on a change. */
const viewsByObject = new WeakMap<KubeObject, PolicyView[]>();

/** The views of one policy object (a Cilium object with `specs` has several); [] for other kinds. Shared: do not mutate. */
export function policyViewsOf(obj: KubeObject): PolicyView[] {
  let views = viewsByObject.get(obj);
  if (!views) {
    views = obj.kind === 'NetworkPolicy' ? [k8sPolicyView(obj)] : obj.kind === 'CiliumNetworkPolicy' || obj.kind === 'CiliumClusterwideNetworkPolicy' ? ciliumPolicyViews(obj) : [];
    viewsByObject.set(obj, views);
  }
  return views;
}

/** The policy kinds a namespace's views are built from ([kind, namespace] for state.memoFor). */
const policyDeps = (ns: string) =>
  [
    ['NetworkPolicy', ns],
    ['CiliumNetworkPolicy', ns],
    ['CiliumClusterwideNetworkPolicy', ''],
  ] as const;

/** policyViewsFor, kept until a policy that can select pods of `ns` changes (state.memoFor). */
export function policyViewsFor(state: ClusterState, ns: string): PolicyView[] {
  return state.memoFor(`policyViewsFor\n${ns}`, policyDeps(ns), () => policyViewsForUncached(state, ns));
}

/** Every policy view that can select pods of `ns`: its NetworkPolicies and CiliumNetworkPolicies, and every CCNP. */
function policyViewsForUncached(state: ClusterState, ns: string): PolicyView[] {
  const r = state.resources;
  return [
    ...r.list('NetworkPolicy', ns),
    ...r.list('CiliumNetworkPolicy', ns),
    ...r.list('CiliumClusterwideNetworkPolicy', ''),
  ].flatMap(policyViewsOf);
}

/** A namespace's labels, with the `kubernetes.io/metadata.name` label the API server sets on every namespace. */
export function namespaceLabels(state: ClusterState, ns: string): Record<string, string> {
  return { ...(state.resources.get('Namespace', undefined, ns)?.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns };
}

export function clusterDns(state: ClusterState, config: RulesConfig): ClusterDns {
  return {
    namespace: config.dnsNamespace,
    namespaceLabels: namespaceLabels(state, config.dnsNamespace),
    podLabels: config.dnsPodLabels,
  };
}

/** Whether every pod of a namespace is in default deny for one direction, and which policies say so. */
export interface DefaultDenyVerdict {
  denied: boolean;
  /** Namespace-wide policies that isolate the direction. */
  isolatedBy: PolicyRef[];
  /** Namespace-wide allow rules that let everything back in, undoing the default deny. */
  reopenedBy: (AllowAllHit & { policy: PolicyRef })[];
}

/** defaultDeny, kept until a policy of `ns` or the Namespace (its labels) changes (state.memoFor). */
export function defaultDeny(state: ClusterState, ns: string, dir: Direction): DefaultDenyVerdict {
  return state.memoFor(`defaultDeny\n${ns}\n${dir}`, [...policyDeps(ns), ['Namespace', '']], () => defaultDenyUncached(state, ns, dir));
}

/**
 * Default deny for `dir` holds when some policy that selects every pod of the namespace isolates that direction, and
 * no policy that selects every pod lets every peer back in (policies are additive: an allow-everything rule next to a
 * deny-all policy leaves the direction open). Allow rules for some peers do not undo it: that is the point of
 * default deny.
 */
function defaultDenyUncached(state: ClusterState, ns: string, dir: Direction): DefaultDenyVerdict {
  const nsLabels = namespaceLabels(state, ns);
  const wide = policyViewsFor(state, ns).filter((v) => v.selectsAllPodsOf(ns, nsLabels));
  const isolatedBy = uniqueRefs(wide.filter((v) => v.isolates(dir)).map((v) => v.ref));
  const reopenedBy = wide.flatMap((v) => v.allowAll(dir).map((h) => ({ ...h, policy: v.ref })));
  return { denied: isolatedBy.length > 0 && reopenedBy.length === 0, isolatedBy, reopenedBy };
}

function uniqueRefs(refs: PolicyRef[]): PolicyRef[] {
  const seen = new Map<string, PolicyRef>();
  for (const r of refs) seen.set(`${r.kind}/${r.namespace ?? ''}/${r.name}`, r);
  return [...seen.values()];
}
