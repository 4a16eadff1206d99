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
function representedByController(state: ClusterState, obj: KubeObject): boolean {
  const ref = (obj.metadata.ownerReferences ?? []).find((o) => o.controller);
  if (!ref || !podBearingKinds.includes(ref.kind)) return false;
  const ns = obj.metadata.namespace;
  if (state.resources.get(ref.kind, ns, ref.name)) return true;
  // A Deployment names its ReplicaSets <deployment>-<pod-template-hash>.
  const hash = obj.metadata.labels?.['pod-template-hash'];
  return ref.kind === 'ReplicaSet' && !!hash && ref.name.endsWith(`-${hash}`) && !!state.resources.get('Deployment', ns, ref.name.slice(0, -hash.length - 1));
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
