import type { ClusterState } from './cluster-state';
import type { KubeObject } from './kube-object';
import { podBearingKinds, templateEntries } from './pod-templates';
import type { PodLike } from './workloads';

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
  // Shared by the rules that ask after the same event (state.memoChange).
  if (templatesOfOthersMayChange(state, kind, ns, name, !before || !after)) return true;
  const change = templateEntries(state, before, after);
  return (change.before && see(change.before)) !== (change.after && see(change.after));
}

/**
 * The pod specs of a namespace, once each: workload templates, and Pods no workload controls (see podTemplatesOf).
 * Kept by the state across events and updated as objects change: a Pod status update costs nothing here.
 */
export function podTemplatesIn(state: ClusterState, ns: string): PodLike[] {
  return state.podTemplates(ns);
}

/** The ServiceAccount a pod spec runs as (`default` when it names none). */
export function serviceAccountOf(p: PodLike): string {
  return (p.spec.serviceAccountName as string | undefined) || (p.spec.serviceAccount as string | undefined) || 'default';
}

/** "Deployment/web": how evidence names a workload or Pod. */
export function workloadName(obj: KubeObject): string {
  return `${obj.kind}/${obj.metadata.name}`;
}
