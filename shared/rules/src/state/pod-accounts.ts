import type { ClusterState } from './cluster-state';
import type { KubeObject } from './kube-object';

/*
 * The ServiceAccount every Pod runs as, by namespace and name: flow rules ask for each connection, and a lookup here
 * touches one small map entry instead of the Pod object and its spec. Built from the state on first use, then kept in
 * step with it by the index's change listener.
 */

const byState = new WeakMap<ClusterState, Map<string, Map<string, unknown>>>();

/** spec.serviceAccountName, else the deprecated spec.serviceAccount, else `default` (as written: not checked). */
const accountOf = (pod: KubeObject): unknown => {
  const spec = pod.spec ?? {};
  return spec.serviceAccountName ?? spec.serviceAccount ?? 'default';
};

function index(state: ClusterState): Map<string, Map<string, unknown>> {
  let idx = byState.get(state);
  if (idx) return idx;
  const built = new Map<string, Map<string, unknown>>();
  const set = (pod: KubeObject) => {
    const ns = pod.metadata.namespace ?? '';
    let names = built.get(ns);
    if (!names) built.set(ns, (names = new Map()));
    names.set(pod.metadata.name, accountOf(pod));
  };
  for (const pod of state.resources.list('Pod')) set(pod);
  state.resources.onChange((kind, ns, name, _before, after) => {
    if (kind !== 'Pod') return;
    if (after) set(after);
    else built.get(ns ?? '')?.delete(name);
  });
  byState.set(state, (idx = built));
  return idx;
}

/** The ServiceAccount of the Pod ns/name in the state (see accountOf), or undefined when there is no such Pod. */
export function podServiceAccount(state: ClusterState, ns: string, name: string): unknown {
  return index(state).get(ns)?.get(name);
}
