import type { ClusterState } from './cluster-state';
import type { KubeObject } from './kube-object';
import { podLikeOf, workloadKinds, type PodLike } from './workloads';

/** Kinds whose objects carry a pod template, plus Pods. */
export const podBearingKinds: readonly string[] = ['Pod', ...workloadKinds];

/**
 * True when another object in the state already stands for this one: a Pod, ReplicaSet or Job whose controller (a
 * workload kind) is in the state too, or a Pod of a ReplicaSet whose Deployment is. Anything else stands for itself,
 * so nothing goes unchecked when part of the chain was never seen.
 */
export function representedByController(state: ClusterState, obj: KubeObject): boolean {
  const ref = (obj.metadata.ownerReferences ?? []).find((o) => o.controller);
  if (!ref || !podBearingKinds.includes(ref.kind)) return false;
  const ns = obj.metadata.namespace;
  if (state.resources.get(ref.kind, ns, ref.name)) return true;
  // A Deployment names its ReplicaSets <deployment>-<pod-template-hash>.
  const hash = obj.metadata.labels?.['pod-template-hash'];
  return ref.kind === 'ReplicaSet' && !!hash && ref.name.endsWith(`-${hash}`) && !!state.resources.get('Deployment', ns, ref.name.slice(0, -hash.length - 1));
}

/**
 * The entry `obj` (undefined: absent) has among podTemplatesIn's: its pod spec when no other object stands for it.
 * Another object's entry depends on `obj` only through its existence (see othersMayChange).
 */
export function podTemplateOf(state: ClusterState, obj: KubeObject | undefined): PodLike | undefined {
  return obj && podBearingKinds.includes(obj.kind) && !representedByController(state, obj) ? podLikeOf(obj) : undefined;
}

/**
 * True when creating or deleting `kind` ns/name can change other objects' entries in podTemplatesIn(ns): some object
 * there names it as its controller (or, for a Deployment, names one of its ReplicaSets by pod-template-hash). An
 * update changes no other entry, since representedByController only asks whether the controller exists.
 */
function templatesOfOthersMayChange(state: ClusterState, kind: string, ns: string, name: string, createdOrDeleted: boolean): boolean {
  return createdOrDeleted && podBearingKinds.includes(kind) && state.resources.hasControlled(kind, ns, name);
}

/**
 * True when a change to an object of `kind` in `ns` (`before` → `after`, undefined when absent) may change what a rule
 * sees of podTemplatesIn(ns): another object's entry, or what `see` makes of the object's own entry (no entry is
 * undefined). Projections equal (===) before and after mean the rule's verdict cannot move; `see` returns undefined
 * for an entry the rule ignores, and a fresh object for one whose every detail counts.
 */
export function templatesSeenChange(
  state: ClusterState,
  kind: string,
  ns: string,
  before: KubeObject | undefined,
  after: KubeObject | undefined,
  see: (t: PodLike) => unknown,
): boolean {
  const name = (after ?? before)?.metadata.name;
  if (name === undefined) return false; // absent before and after: nothing changed
  if (templatesOfOthersMayChange(state, kind, ns, name, !before || !after)) return true;
  const seen = (o: KubeObject | undefined) => {
    const t = podTemplateOf(state, o);
    return t ? see(t) : undefined;
  };
  return seen(before) !== seen(after);
}

/** podTemplatesIn, shared by every rule that asks after the same event (state.memo). */
export function podTemplatesIn(state: ClusterState, ns: string): PodLike[] {
  return state.memo(`podTemplatesIn\n${ns}`, () => podTemplatesInUncached(state, ns));
}

/**
 * The pod specs of a namespace, once each: workload templates, and Pods no workload controls. The templates are
 * what a person fixes; checking them avoids one finding per replica.
 */
function podTemplatesInUncached(state: ClusterState, ns: string): PodLike[] {
  const out: PodLike[] = [];
  for (const kind of podBearingKinds) {
    for (const obj of state.resources.list(kind, ns)) {
      if (representedByController(state, obj)) continue;
      const p = podLikeOf(obj);
      if (p) out.push(p);
    }
  }
  return out;
}

/** The ServiceAccount a pod spec runs as (`default` when it names none). */
export function serviceAccountOf(p: PodLike): string {
  return (p.spec.serviceAccountName as string | undefined) || (p.spec.serviceAccount as string | undefined) || 'default';
}

/** "Deployment/web": how evidence names a workload or Pod. */
export function workloadName(obj: KubeObject): string {
  return `${obj.kind}/${obj.metadata.name}`;
}
