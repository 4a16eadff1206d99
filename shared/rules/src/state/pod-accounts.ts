import type { ClusterState, KeptIndex } from './cluster-state';
import type { KubeObject } from './kube-object';

/*
 * The ServiceAccount every Pod runs as, by namespace and name: flow rules ask for each connection, and a lookup here
 * touches one small map entry instead of the Pod object and its spec. Built from the state on first use, then kept in
 * step with it by the index's change listener.
 */

/** spec.serviceAccountName, else the deprecated spec.serviceAccount, else `default` (as written: not checked). */
const accountOf = (pod: KubeObject): unknown => {
  const spec = pod.spec ?? {};
  return spec.serviceAccountName ?? spec.serviceAccount ?? 'default';
};

type Accounts = Map<string, Map<string, unknown>>;

function setAccount(accounts: Accounts, pod: KubeObject): void {
  const ns = pod.metadata.namespace ?? '';
  let names = accounts.get(ns);
  if (!names) accounts.set(ns, (names = new Map()));
  names.set(pod.metadata.name, accountOf(pod));
}

/** namespace → Pod name → ServiceAccount. */
const podAccounts: KeptIndex<Accounts> = {
  build(resources) {
    const accounts: Accounts = new Map();
    for (const pod of resources.list('Pod')) setAccount(accounts, pod);
    return accounts;
  },
  changed(accounts, kind, ns, name, _before, after) {
    if (kind !== 'Pod') return;
    if (after) setAccount(accounts, after);
    else accounts.get(ns ?? '')?.delete(name);
  },
};

/** The ServiceAccount of the Pod ns/name in the state (see accountOf), or undefined when there is no such Pod. */
export function podServiceAccount(state: ClusterState, ns: string, name: string): unknown {
  return state.kept(podAccounts).get(ns)?.get(name);
}
