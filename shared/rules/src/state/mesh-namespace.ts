import type { ClusterState, KeptIndex } from './cluster-state';
import type { KubeObject } from './kube-object';
import { containersOf, type PodSpec } from './workloads';

/* Istio enrolment, as the sidecar injector's webhooks and istio-cni decide it. */

export const INJECTION_LABEL = 'istio-injection';
export const REV_LABEL = 'istio.io/rev';
export const DATAPLANE_LABEL = 'istio.io/dataplane-mode';
export const INJECT_KEY = 'sidecar.istio.io/inject';
export const SIDECAR_STATUS_ANNOTATION = 'sidecar.istio.io/status';
export const AMBIENT_REDIRECTION_ANNOTATION = 'ambient.istio.io/redirection';

/** Why a namespace counts as part of the mesh; undefined when it does not. */
export interface MeshEnrolment {
  mode: 'sidecar' | 'ambient';
  reason: string;
}

/**
 * True when the namespace's labels turn sidecar injection on: `istio-injection=enabled`, or an `istio.io/rev`
 * label with no `istio-injection` label (the injector's namespace webhook ignores the revision label when
 * `istio-injection` is present, so `istio-injection=disabled` wins).
 */
export function namespaceInjectionEnabled(nsLabels: Record<string, string>): boolean {
  const inj = nsLabels[INJECTION_LABEL];
  if (inj !== undefined) return inj === 'enabled';
  return !!nsLabels[REV_LABEL];
}

/** The pod's own `sidecar.istio.io/inject` choice ('true' | 'false'), the label winning over the legacy annotation. */
export function podInjectChoice(labels: Record<string, string>, annotations: Record<string, string>): string | undefined {
  return labels[INJECT_KEY] ?? annotations[INJECT_KEY];
}

/**
 * True when the injector would add a sidecar to a pod: the namespace enables injection and the pod does not opt
 * out, or the namespace has no injection labels and the pod opts in (label `sidecar.istio.io/inject=true` or its own
 * `istio.io/rev`).
 */
export function injectionEnabledFor(nsLabels: Record<string, string>, labels: Record<string, string>, annotations: Record<string, string>): boolean {
  const choice = podInjectChoice(labels, annotations);
  if (choice === 'false') return false;
  if (namespaceInjectionEnabled(nsLabels)) return true;
  const nsSilent = nsLabels[INJECTION_LABEL] === undefined && nsLabels[REV_LABEL] === undefined;
  return nsSilent && (choice === 'true' || !!labels[REV_LABEL]);
}

/** True when a pod spec runs an Envoy sidecar: an `istio-proxy` container, or a native sidecar (init container with restartPolicy Always). */
export function hasIstioProxy(spec: PodSpec): boolean {
  if ((spec.containers ?? []).some((c: { name?: string }) => c.name === 'istio-proxy')) return true;
  return (spec.initContainers ?? []).some((c: { name?: string; restartPolicy?: string }) => c.name === 'istio-proxy' && c.restartPolicy === 'Always');
}

/** True when a pod is (or, for a template, will be) captured by ztunnel in ambient mode. */
export function ambientEnrolled(nsLabels: Record<string, string>, labels: Record<string, string>, annotations: Record<string, string>): boolean {
  if (annotations[AMBIENT_REDIRECTION_ANNOTATION] === 'enabled') return true;
  const podMode = labels[DATAPLANE_LABEL];
  if (podMode === 'none') return false;
  return podMode === 'ambient' || nsLabels[DATAPLANE_LABEL] === 'ambient';
}

export function namespaceLabelsOf(state: ClusterState, ns: string): Record<string, string> {
  return state.resources.get('Namespace', undefined, ns)?.metadata.labels ?? {};
}

/**
 * True for Istio gateways and waypoints: they run an Envoy named istio-proxy (`proxy router` / `proxy waypoint`) but
 * are the mesh's edge, not a meshed workload, so they do not make their namespace (often istio-system) meshed.
 */
export function isMeshGatewayPod(pod: KubeObject): boolean {
  const labels = pod.metadata.labels ?? {};
  if (labels['gateway.istio.io/managed'] || labels['istio.io/gateway-name']) return true;
  if ((pod.metadata.annotations?.['inject.istio.io/templates'] ?? '').includes('gateway')) return true;
  const proxy = (pod.spec?.containers ?? []).find((c: { name?: string }) => c.name === 'istio-proxy') as { args?: string[] } | undefined;
  return !!proxy?.args?.some((a) => a === 'router' || a === 'waypoint');
}

/** A namespace's enrolment as computed, and whether its labels decided it (then no pod can move it). */
interface KnownEnrolment {
  value: MeshEnrolment | undefined;
  byLabels: boolean;
}

/**
 * Per state, each namespace's enrolment as last computed (a missing entry: not computed or stale). Kept across events by
 * the index's change listener: the answer is the labels' say or else the first enrolling pod in index order, so only a
 * Namespace change, or a change to a pod that enrols (before or after) where the labels say nothing, can move it —
 * the churn of other pods cannot.
 */
const enrolments: KeptIndex<Map<string, KnownEnrolment>> = {
  build: () => new Map(),
  changed(cache, kind, namespace, name, before, after) {
    if (kind === 'Namespace') cache.delete(name);
    else if (kind === 'Pod') {
      const ns = namespace ?? '';
      const known = cache.get(ns);
      if (known && !known.byLabels && (podEnrolment(before) || podEnrolment(after))) cache.delete(ns);
    }
  },
};

/** meshEnrolmentUncached, computed once per namespace and then only again after a change that can move it. */
export function meshEnrolment(state: ClusterState, ns: string): MeshEnrolment | undefined {
  const cache = state.kept(enrolments);
  let known = cache.get(ns);
  if (!known) cache.set(ns, (known = meshEnrolmentUncached(state, ns)));
  return known.value;
}

/**
 * Whether a namespace is meshed: its labels (injection, revision, ambient), or else a pod seen in it with a
 * sidecar (container or `sidecar.istio.io/status` annotation) or ambient redirection. Gateways do not count.
 */
function meshEnrolmentUncached(state: ClusterState, ns: string): KnownEnrolment {
  const labels = namespaceLabelsOf(state, ns);
  const byLabels = enrolmentByLabels(labels);
  if (byLabels) return { value: byLabels, byLabels: true };
  for (const pod of state.resources.list('Pod', ns)) {
    const byPod = enrolmentByPod(pod);
    if (byPod) return { value: byPod, byLabels: false };
  }
  return { value: undefined, byLabels: false };
}

/** True when enrolmentByLabels says something (without building its answer). */
function labelsEnrol(labels: Record<string, string>): boolean {
  return labels[DATAPLANE_LABEL] === 'ambient' || namespaceInjectionEnabled(labels);
}

/** The namespace's own say: ambient, injection or revision labels. */
function enrolmentByLabels(labels: Record<string, string>): MeshEnrolment | undefined {
  if (labels[DATAPLANE_LABEL] === 'ambient') return { mode: 'ambient', reason: `namespace label ${DATAPLANE_LABEL}=ambient` };
  if (labels[INJECTION_LABEL] === 'enabled') return { mode: 'sidecar', reason: `namespace label ${INJECTION_LABEL}=enabled` };
  if (namespaceInjectionEnabled(labels)) return { mode: 'sidecar', reason: `namespace label ${REV_LABEL}=${labels[REV_LABEL]}` };
  return undefined;
}

/** What one pod says about its namespace's enrolment (a sidecar or ztunnel redirection; gateways say nothing). */
function enrolmentByPod(pod: KubeObject | undefined): MeshEnrolment | undefined {
  const how = podEnrolment(pod);
  if (!how || !pod) return undefined;
  const name = pod.metadata.name;
  if (how === 'proxy') return { mode: 'sidecar', reason: `pod ${name} runs istio-proxy` };
  if (how === 'status') return { mode: 'sidecar', reason: `pod ${name} has ${SIDECAR_STATUS_ANNOTATION}` };
  return { mode: 'ambient', reason: `pod ${name} is redirected to ztunnel` };
}

/** enrolmentByPod's finding, without building its answer (every pod change in a namespace its labels leave open asks). */
function podEnrolment(pod: KubeObject | undefined): 'proxy' | 'status' | 'ambient' | undefined {
  if (!pod || isMeshGatewayPod(pod)) return undefined;
  const ann = pod.metadata.annotations ?? {};
  if (pod.spec && hasIstioProxy(pod.spec)) return 'proxy';
  if (ann[SIDECAR_STATUS_ANNOTATION]) return 'status';
  if (ann[AMBIENT_REDIRECTION_ANNOTATION] === 'enabled') return 'ambient';
  return undefined;
}

/**
 * False when a Pod going from `before` to `after` (undefined: absent) in `ns` cannot change whether the namespace is
 * meshed: its labels decide it, or the pod enrols it (or does not) both before and after. Whether it is meshed is an
 * OR over the pods, so only a pod that changes its own say can change it.
 */
export function podMayChangeEnrolment(state: ClusterState, ns: string, before: KubeObject | undefined, after: KubeObject | undefined): boolean {
  // Shared by the rules that ask after the same event (state.memoChange).
  return state.memoChange('podMayChangeEnrolment', before, after, () => {
    if (labelsEnrol(namespaceLabelsOf(state, ns))) return false;
    return !podEnrolment(before) !== !podEnrolment(after);
  });
}

/** The controller of an object as "Kind/name", following a ReplicaSet to its Deployment and a Job to its CronJob when known. */
export function ownerOf(state: ClusterState, obj: KubeObject): string | undefined {
  const ref = (obj.metadata.ownerReferences ?? []).find((o) => o.controller);
  if (!ref) return undefined;
  if (ref.kind === 'ReplicaSet' || ref.kind === 'Job') {
    const parent = state.resources.get(ref.kind, obj.metadata.namespace, ref.name);
    const up = parent && (parent.metadata.ownerReferences ?? []).find((o) => o.controller);
    if (up) return `${up.kind}/${up.name}`;
    // A Deployment names its ReplicaSets <deployment>-<pod-template-hash>.
    const hash = obj.metadata.labels?.['pod-template-hash'];
    if (!parent && ref.kind === 'ReplicaSet' && hash && ref.name.endsWith(`-${hash}`)) {
      return `Deployment/${ref.name.slice(0, -hash.length - 1)} (via ReplicaSet/${ref.name})`;
    }
  }
  return `${ref.kind}/${ref.name}`;
}

/** Every container name of a pod spec, for evidence. */
export function containerNames(spec: PodSpec): string[] {
  return containersOf(spec).map((c) => c.name);
}
