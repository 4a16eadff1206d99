import type { ClusterState } from './cluster-state';
import type { KubeObject } from './kube-object';
import { sameController, type ResourceIndex } from './resource-index';
import { podLikeOf, workloadKinds, type PodLike } from './workloads';

/* Which objects of a namespace stand for their own pod spec (podTemplatesIn), on the resource index alone. */

/** Kinds whose objects carry a pod template, plus Pods. */
export const podBearingKinds: readonly string[] = ['Pod', ...workloadKinds];

/**
 * True when another object in the state already stands for this one: a Pod, ReplicaSet or Job whose controller (a
 * workload kind) is in the state too, or a Pod of a ReplicaSet whose Deployment is. Anything else stands for itself,
 * so nothing goes unchecked when part of the chain was never seen.
 */
function representedByController(resources: ResourceIndex, obj: KubeObject): boolean {
  const ref = (obj.metadata.ownerReferences ?? []).find((o) => o.controller);
  if (!ref || !podBearingKinds.includes(ref.kind)) return false;
  const ns = obj.metadata.namespace;
  if (resources.get(ref.kind, ns, ref.name)) return true;
  // A Deployment names its ReplicaSets <deployment>-<pod-template-hash>.
  const hash = obj.metadata.labels?.['pod-template-hash'];
  return ref.kind === 'ReplicaSet' && !!hash && ref.name.endsWith(`-${hash}`) && !!resources.get('Deployment', ns, ref.name.slice(0, -hash.length - 1));
}

/** The entry `obj` (undefined: absent) has among a namespace's pod templates: its pod spec when no other object stands for it. */
export function podTemplateOf(resources: ResourceIndex, obj: KubeObject | undefined): PodLike | undefined {
  return obj && podBearingKinds.includes(obj.kind) && !representedByController(resources, obj) ? podLikeOf(obj) : undefined;
}

/**
 * What a change to `kind` ns/name (before → after, undefined when absent; the index already changed) does to the
 * namespace's pod templates: nothing; replaces the object's own entry (an update that keeps it one); or something
 * else — it becomes or stops being one, or it was created or deleted while others name it as their controller
 * (whether they are represented asks only whether it exists).
 */
export type TemplateChange = 'none' | 'other' | { replace: KubeObject; by: PodLike };

export function templateChangeOf(state: ClusterState, kind: string, ns: string | undefined, name: string, before: KubeObject | undefined, after: KubeObject | undefined): TemplateChange {
  if (!podBearingKinds.includes(kind)) return 'none';
  if ((!before || !after) && state.resources.hasControlled(kind, ns, name)) return 'other';
  const t = templateEntries(state, before, after);
  // An update under the same controller (a status change) is an entry before exactly when after: it replaces it.
  if (before && after && t.before && t.after && sameController(before, after)) return { replace: before, by: t.after };
  return t.before || t.after ? 'other' : 'none';
}

/**
 * podTemplateOf of a change's object before and after it, computed once per change (state.memoChange): the state's
 * template cache and the rules that ask after the same event (templatesSeenChange) share it.
 */
export function templateEntries(state: ClusterState, before: KubeObject | undefined, after: KubeObject | undefined): { before: PodLike | undefined; after: PodLike | undefined } {
  return state.memoChange('templateEntries', before, after, () => ({ before: podTemplateOf(state.resources, before), after: podTemplateOf(state.resources, after) }));
}

/**
 * The pod specs of a namespace, once each: workload templates, and Pods no workload controls, by kind (Pod first,
 * then workloadKinds) and then in the index's order. The templates are what a person fixes; checking them avoids one
 * finding per replica.
 */
export function podTemplatesOf(resources: ResourceIndex, ns: string): PodLike[] {
  const out: PodLike[] = [];
  for (const kind of podBearingKinds) {
    for (const obj of resources.list(kind, ns)) {
      if (representedByController(resources, obj)) continue;
      const p = podLikeOf(obj);
      if (p) out.push(p);
    }
  }
  return out;
}
