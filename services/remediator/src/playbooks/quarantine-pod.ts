import type { KubeObject, ObjectRef } from '../kube-ops';
import { containsFields, managedByLabel, namespaceTarget, readBack, verification } from './common';
import type { Playbook, PlaybookContext } from './types';

const quarantineLabel = 'ztv.io/quarantine';

interface State {
  pod: KubeObject | undefined;
}

const podRef = (ctx: PlaybookContext): ObjectRef => ({
  apiVersion: 'v1',
  kind: 'Pod',
  namespace: ctx.target.namespace!,
  name: ctx.target.object!.name,
});

/** Denies all ingress and egress of the pods carrying the quarantine label (one per namespace, owned by ztv). */
const quarantinePolicy = (namespace: string): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'ztv-quarantine', namespace, labels: { ...managedByLabel } },
  spec: { podSelector: { matchLabels: { [quarantineLabel]: 'true' } }, policyTypes: ['Ingress', 'Egress'] },
});

/**
 * Isolates one pod: NetworkPolicy `ztv-quarantine` (deny-all for pods labelled ztv.io/quarantine=true) first, then the
 * label on the pod, so the pod is never labelled without the policy in place. The pod keeps running for forensics;
 * its controller still counts it (adding a label does not take it out of its ReplicaSet's selector).
 */
export const quarantinePod: Playbook<State> = {
  id: 'quarantine-pod',
  describe: `Applies NetworkPolicy ztv-quarantine (deny all for pods labelled ${quarantineLabel}=true), then labels the pod.`,
  targets(finding) {
    const t = namespaceTarget(finding);
    if (!t.ok) return t;
    const ns = t.target.namespace!;
    const source = finding.evidence.source as { pod?: unknown; namespace?: unknown } | undefined;
    const pod =
      finding.subject.kind === 'Pod'
        ? finding.subject.name
        : typeof source?.pod === 'string' && (source.namespace ?? ns) === ns
          ? source.pod
          : undefined;
    if (!pod) return { ok: false, reasons: [`finding ${finding.id} names no pod to quarantine`] };
    return {
      ok: true,
      target: { namespace: ns, object: { kind: 'Pod', name: pod }, describe: `Pod ${ns}/${pod}` },
    };
  },
  read: async (ctx) => ({ pod: await ctx.kube.read(podRef(ctx)) }),
  precheck(ctx, state) {
    const name = `${ctx.target.namespace}/${ctx.target.object!.name}`;
    if (!state.pod) return { refusals: [`pod ${name} does not exist`], notes: [] };
    if (state.pod.spec?.hostNetwork)
      return { refusals: [`pod ${name} uses the host network: NetworkPolicy cannot isolate it`], notes: [] };
    return { refusals: [], notes: [] };
  },
  plan: (ctx, state) => [
    {
      type: 'apply',
      object: quarantinePolicy(ctx.target.namespace!),
      why: 'deny all traffic of quarantined pods',
    },
    {
      type: 'merge-patch',
      ref: podRef(ctx),
      patch: {
        metadata: {
          resourceVersion: state.pod!.metadata.resourceVersion,
          labels: { [quarantineLabel]: 'true' },
          annotations: {
            'ztv.io/quarantined-for': `${ctx.finding.ruleId} (finding ${ctx.finding.id}, remediation ${ctx.remediationId})`,
          },
        },
      },
      why: 'put the pod under the quarantine policy',
    },
  ],
  async verify(ctx) {
    const policy = quarantinePolicy(ctx.target.namespace!);
    const { checks } = await readBack(ctx.kube, policy);
    const pod = await ctx.kube.read(podRef(ctx));
    checks.push({
      check: `pod ${ctx.target.namespace}/${ctx.target.object!.name} carries ${quarantineLabel}=true, which ztv-quarantine selects`,
      ok: containsFields(pod?.metadata.labels ?? {}, policy.spec!.podSelector.matchLabels),
    });
    return verification(checks);
  },
};
