import type { RuleContext, RuleMeta, StateRule, Violation } from '../../engine/types';
import type { ClusterState, ResourceChange } from '../../state/cluster-state';
import type { KubeObject } from '../../state/kube-object';
import { podLikeOf, workloadKinds, type PodLike, type PodSpec } from '../../state/workloads';

/** Kinds whose pod spec the workload rules check: Pods, every workload kind, and ReplicationControllers. */
export const checkedKinds: readonly string[] = ['Pod', ...workloadKinds, 'ReplicationController'];

/** One container of a pod spec, with where it sits. */
export interface ContainerEntry {
  type: 'initContainer' | 'container' | 'ephemeralContainer';
  /* eslint-disable-next-line @typescript-eslint/no-explicit-any */
  c: { name?: string; image?: string; securityContext?: Record<string, any>; [k: string]: unknown };
}

/** Every container of a pod spec (init, regular, ephemeral) with its type, in the order Kubernetes lists them. */
export function containerEntries(spec: PodSpec): ContainerEntry[] {
  const out: ContainerEntry[] = [];
  addEntries(out, 'initContainer', spec.initContainers);
  addEntries(out, 'container', spec.containers);
  addEntries(out, 'ephemeralContainer', spec.ephemeralContainers);
  return out;
}

function addEntries(out: ContainerEntry[], type: ContainerEntry['type'], list: unknown): void {
  if (Array.isArray(list)) for (const c of list) if (c && typeof c === 'object') out.push({ type, c });
}

const scopeOf = (kind: string, namespace: string | undefined, name: string) => `${kind}/${namespace ?? ''}/${name}`;

/** The controller ownerReference of an object, if any. */
function controllerOf(obj: KubeObject) {
  return (obj.metadata.ownerReferences ?? []).find((o) => o.controller);
}

/**
 * True when another object in the state already stands for this one, so it is checked once, not once per replica or
 * per old revision: a Pod, ReplicaSet or Job whose controller (a kind we check) is in the state, or a Pod of a
 * ReplicaSet whose Deployment is (`<deployment>-<pod-template-hash>`); and retired ReplicaSets (scaled to zero under
 * any controller), which run nothing. Anything else — a Pod of a Node (mirror pod) or of an operator's custom resource,
 * or one whose controller was never seen — is checked itself, so nothing runs unchecked.
 */
export function coveredByController(obj: KubeObject, state: ClusterState): boolean {
  const ref = controllerOf(obj);
  if (!ref) return false;
  if (obj.kind === 'ReplicaSet' && obj.spec?.replicas === 0) return true;
  if (!checkedKinds.includes(ref.kind)) return false;
  const ns = obj.metadata.namespace;
  if (state.resources.get(ref.kind, ns, ref.name)) return true;
  const hash = obj.metadata.labels?.['pod-template-hash'];
  return ref.kind === 'ReplicaSet' && !!hash && ref.name.endsWith(`-${hash}`) && !!state.resources.get('Deployment', ns, ref.name.slice(0, -hash.length - 1));
}

/** dependentScopes, shared by the pod-spec rules that ask after the same event (state.memo). */
function dependentScopes(kind: string, ns: string | undefined, name: string, state: ClusterState): string[] {
  return state.memo(`dependentScopes\n${kind}\n${ns ?? ''}\n${name}`, () => dependentScopesUncached(kind, ns, name, state));
}

/** Scopes of the objects a workload stands for (their verdict flips when it appears or goes). */
function dependentScopesUncached(kind: string, ns: string | undefined, name: string, state: ClusterState): string[] {
  const out: string[] = [];
  for (const k of checkedKinds) {
    for (const o of state.resources.list(k, ns)) {
      const ref = controllerOf(o);
      if (!ref) continue;
      const direct = ref.kind === kind && ref.name === name;
      const viaReplicaSet = kind === 'Deployment' && ref.kind === 'ReplicaSet' && ref.name.startsWith(`${name}-`);
      if (direct || viaReplicaSet) out.push(scopeOf(o.kind, o.metadata.namespace, o.metadata.name));
    }
  }
  return out;
}

/** True when a change is known and its object, where present, is covered by its controller both before and after. */
function coveredBeforeAndAfter(change: ResourceChange | undefined, state: ClusterState): boolean {
  if (!change) return false;
  return (!change.before || coveredByController(change.before, state)) && (!change.after || coveredByController(change.after, state));
}

/** The pod spec of a checked object (podLikeOf, plus ReplicationController templates); undefined otherwise. */
export function podTemplateOf(obj: KubeObject): PodLike | undefined {
  if (obj.kind !== 'ReplicationController') return podLikeOf(obj);
  const t = obj.spec?.template;
  if (!t?.spec) return undefined;
  return { owner: obj, spec: t.spec, labels: t.metadata?.labels ?? {}, annotations: t.metadata?.annotations ?? {} };
}

/** What a pod-spec check reports; the factory adds the subject and the object's labels/annotations. */
export type PodSpecFinding = Pick<Violation, 'message' | 'evidence' | 'severity'>;

export type PodSpecCheck = (pod: PodLike, ctx: RuleContext) => PodSpecFinding | undefined;

/** "Deployment shop/cart": how messages name a checked object. */
export function describe(obj: KubeObject): string {
  return `${obj.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`;
}

/**
 * A state rule over pod specs: one scope per workload or uncontrolled Pod (`kind/namespace/name`). An upsert or a
 * delete of that object re-checks it, so fixing or deleting it resolves the finding; an upsert of a workload also
 * re-checks the objects it controls. The subject is the object itself
 * and its own labels/annotations feed exceptions (`ztv.io/ignore` on the Deployment, not on its pod template).
 */
export function podSpecRule(meta: RuleMeta, check: PodSpecCheck): StateRule {
  return {
    ...meta,
    kind: 'state',
    on: ['k8s.resource'],
    resourceKinds: checkedKinds,
    scopesFor(event, ctx) {
      if (event.type !== 'k8s.resource' || !checkedKinds.includes(event.data.kind)) return [];
      const { kind, namespace, name } = event.data;
      // A Pod its controller stands for has no verdict of its own, before or after: nothing to re-check.
      if (kind === 'Pod') {
        const change = ctx.state.changeOf(event);
        if (change && ctx.state.memoChange('coveredBeforeAndAfter', change.before, change.after, () => coveredBeforeAndAfter(change, ctx.state))) return [];
      }
      const own = scopeOf(kind, namespace, name);
      // A new controller covers the objects it owns: re-check them so their findings resolve. A deleted one uncovers
      // them, but garbage collection normally deletes them next: they are re-checked at the next tick instead
      // (deferredScopesFor), so only the orphaned ones (--cascade=orphan) are then checked on their own.
      if (kind === 'Pod' || event.data.op === 'delete') return [own];
      // An update of a controller that was there already covered its objects before: only its own verdict can move.
      if (ctx.state.changeOf(event)?.before) return [own];
      return [own, ...dependentScopes(kind, namespace, name, ctx.state)];
    },
    deferredScopesFor(event, ctx) {
      if (event.type !== 'k8s.resource' || event.data.op !== 'delete' || event.data.kind === 'Pod' || !checkedKinds.includes(event.data.kind)) return [];
      return dependentScopes(event.data.kind, event.data.namespace, event.data.name, ctx.state);
    },
    allScopes(ctx) {
      const out: string[] = [];
      for (const kind of checkedKinds) {
        for (const o of ctx.state.resources.list(kind)) out.push(scopeOf(kind, o.metadata.namespace, o.metadata.name));
      }
      return out;
    },
    check(scope, ctx) {
      // The object to check, if it stands for itself: the same for every pod-spec rule after one event (state.memoBy).
      const obj = ctx.state.memoBy('podSpecSubject', scope, () => {
        const [kind = '', namespace = '', ...rest] = scope.split('/');
        const o = ctx.state.resources.get(kind, namespace || undefined, rest.join('/'));
        // Terminating objects (deletionTimestamp set) are going away; their controller may already be gone.
        return !o || o.metadata.deletionTimestamp || coveredByController(o, ctx.state) ? undefined : o;
      });
      if (!obj) return [];
      const pod = podTemplateOf(obj);
      if (!pod) return [];
      const found = check(pod, ctx);
      if (!found) return [];
      const md = obj.metadata;
      const controller = (md.ownerReferences ?? []).find((o) => o.controller);
      return [
        {
          ...found,
          evidence: { ...found.evidence, ...(controller ? { controlledBy: `${controller.kind}/${controller.name}` } : {}) },
          subject: { ...(md.namespace ? { namespace: md.namespace } : {}), kind: obj.kind, name: md.name },
          object: { labels: md.labels ?? {}, annotations: md.annotations ?? {} },
        },
      ];
    },
  };
}
