import type { KubeObject, ObjectRef } from '../kube-ops';
import { namespaceTarget, verification } from './common';
import type { Playbook, PlaybookContext } from './types';

/** The annotation `kubectl rollout restart` sets: a new value changes the pod template, so the controller rolls it. */
const restartedAtAnnotation = 'kubectl.kubernetes.io/restartedAt';
const workloadKinds = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
const workloadRef = (kind: string, namespace: string, name: string): ObjectRef => ({
  apiVersion: 'apps/v1',
  kind,
  namespace,
  name,
});

interface State {
  workloads: KubeObject[];
  /** Why no workload was found, when none was. */
  unresolved?: string;
}

/** The controller of a pod that a rollout can restart: a Deployment (through its ReplicaSet), StatefulSet or DaemonSet. */
async function podOwner(ctx: PlaybookContext, ns: string, podName: string): Promise<KubeObject | string> {
  const pod = await ctx.kube.read({ apiVersion: 'v1', kind: 'Pod', namespace: ns, name: podName });
  if (!pod) return `pod ${ns}/${podName} no longer exists`;
  const ref = (pod.metadata.ownerReferences ?? []).find((o) => o.controller);
  if (!ref) return `pod ${ns}/${podName} has no controller to restart it`;
  if (ref.kind === 'ReplicaSet') {
    const rs = await ctx.kube.read({
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      namespace: ns,
      name: ref.name,
    });
    const up = (rs?.metadata.ownerReferences ?? []).find((o) => o.controller && o.kind === 'Deployment');
    if (!up) return `ReplicaSet ${ns}/${ref.name} of pod ${podName} belongs to no Deployment`;
    return (
      (await ctx.kube.read(workloadRef('Deployment', ns, up.name))) ??
      `Deployment ${ns}/${up.name} no longer exists`
    );
  }
  if (!(workloadKinds as readonly string[]).includes(ref.kind))
    return `pod ${ns}/${podName} is controlled by a ${ref.kind}, which a rollout cannot restart`;
  return (
    (await ctx.kube.read(workloadRef(ref.kind, ns, ref.name))) ??
    `${ref.kind} ${ns}/${ref.name} no longer exists`
  );
}

const restartValue = (ctx: PlaybookContext) => ctx.now.toISOString();

/**
 * Restarts the workloads behind a finding the way `kubectl rollout restart` does (a new pod-template annotation), so
 * their pods come back with fresh SVIDs, or with the sidecar injection they missed. Targets: a workload, a pod (its
 * controller), or the workloads running as a certificate finding's ServiceAccount.
 */
export const rolloutRestart: Playbook<State> = {
  id: 'rollout-restart',
  describe: `Restarts the affected Deployments / StatefulSets / DaemonSets: a merge patch of the pod-template annotation ${restartedAtAnnotation}.`,
  targets(finding) {
    const t = namespaceTarget(finding);
    if (!t.ok) return t;
    const { kind, name, serviceAccount } = finding.subject;
    const ns = t.target.namespace!;
    if (kind && name && (kind === 'Pod' || (workloadKinds as readonly string[]).includes(kind)))
      return {
        ok: true,
        target: { namespace: ns, object: { kind, name }, describe: `${kind} ${ns}/${name}` },
      };
    if (serviceAccount)
      return {
        ok: true,
        target: {
          namespace: ns,
          serviceAccount,
          describe: `workloads of ServiceAccount ${ns}/${serviceAccount}`,
        },
      };
    return {
      ok: false,
      reasons: [`finding ${finding.id} names no workload, pod or ServiceAccount to restart`],
    };
  },
  async read(ctx) {
    const ns = ctx.target.namespace!;
    const obj = ctx.target.object;
    if (obj?.kind === 'Pod') {
      const owner = await podOwner(ctx, ns, obj.name);
      return typeof owner === 'string' ? { workloads: [], unresolved: owner } : { workloads: [owner] };
    }
    if (obj) {
      const w = await ctx.kube.read(workloadRef(obj.kind, ns, obj.name));
      return w
        ? { workloads: [w] }
        : { workloads: [], unresolved: `${obj.kind} ${ns}/${obj.name} no longer exists` };
    }
    const sa = ctx.target.serviceAccount!;
    const all = (await Promise.all(workloadKinds.map((k) => ctx.kube.list('apps/v1', k, ns)))).flat();
    const workloads = all.filter((w) => (w.spec?.template?.spec?.serviceAccountName ?? 'default') === sa);
    return workloads.length
      ? { workloads }
      : { workloads, unresolved: `no workload in ${ns} runs as ServiceAccount ${sa}` };
  },
  precheck(_ctx, state) {
    if (state.unresolved) return { refusals: [state.unresolved], notes: [] };
    const paused = state.workloads.filter((w) => w.spec?.paused).map((w) => `${w.kind}/${w.metadata.name}`);
    return {
      refusals: [],
      notes: paused.length ? [`paused, will not roll until resumed: ${paused.join(', ')}`] : [],
    };
  },
  plan: (ctx, state) =>
    state.workloads.map((w) => ({
      type: 'merge-patch' as const,
      ref: workloadRef(w.kind, w.metadata.namespace!, w.metadata.name),
      patch: {
        metadata: { resourceVersion: w.metadata.resourceVersion },
        spec: { template: { metadata: { annotations: { [restartedAtAnnotation]: restartValue(ctx) } } } },
      },
      why: `roll ${w.kind}/${w.metadata.name}: new pods, fresh identities`,
    })),
  async verify(ctx, state) {
    const checks = [];
    for (const w of state.workloads) {
      const got = await ctx.kube.read(workloadRef(w.kind, w.metadata.namespace!, w.metadata.name));
      const value = got?.spec?.template?.metadata?.annotations?.[restartedAtAnnotation];
      checks.push({
        check: `${w.kind} ${w.metadata.namespace}/${w.metadata.name} pod template carries the restart annotation`,
        ok: value === restartValue(ctx),
        detail: `${restartedAtAnnotation}=${String(value)}, generation ${String(got?.metadata.generation)}`,
      });
    }
    return verification(checks);
  },
};
