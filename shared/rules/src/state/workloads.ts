import type { KubeObject } from './kube-object';

/** Kinds that carry a pod template, and where it sits. */
export const workloadKinds = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'] as const;

/* eslint-disable @typescript-eslint/no-explicit-any */
export type PodSpec = Record<string, any>;

/** A pod spec to check, with the labels/annotations its pods get and the object a person would fix. */
export interface PodLike {
  /** The object that owns the spec: a Pod, or a workload whose template it is. */
  owner: KubeObject;
  spec: PodSpec;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** The pod spec of a Pod, or the template of a workload (CronJob: jobTemplate.spec.template); undefined otherwise. */
export function podLikeOf(obj: KubeObject): PodLike | undefined {
  if (obj.kind === 'Pod') {
    if (!obj.spec) return undefined;
    return { owner: obj, spec: obj.spec, labels: obj.metadata.labels ?? {}, annotations: obj.metadata.annotations ?? {} };
  }
  const template: any =
    obj.kind === 'CronJob' ? obj.spec?.jobTemplate?.spec?.template : (workloadKinds as readonly string[]).includes(obj.kind) ? obj.spec?.template : undefined;
  if (!template?.spec) return undefined;
  return {
    owner: obj,
    spec: template.spec,
    labels: template.metadata?.labels ?? {},
    annotations: template.metadata?.annotations ?? {},
  };
}

/** Every container of a pod spec: init, regular and ephemeral. */
export function containersOf(spec: PodSpec): { name: string; image?: string; [k: string]: any }[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}

/** True when a Pod is managed by a controller (its workload is checked instead, to avoid one finding per replica). */
export function isControlledPod(obj: KubeObject): boolean {
  return obj.kind === 'Pod' && (obj.metadata.ownerReferences ?? []).some((o) => o.controller);
}
