import type { KubeObject, ObjectRef } from '../kube-ops';
import { verification } from './common';
import type { Playbook, PlaybookContext } from './types';

interface State {
  nodes: KubeObject[];
}

const nodeRef = (name: string): ObjectRef => ({ apiVersion: 'v1', kind: 'Node', name });
const cordonedForAnnotation = 'ztv.io/cordoned-for';

/** Ready, not cordoned, and without a NoSchedule / NoExecute taint: new pods can land there. */
function schedulable(n: KubeObject): boolean {
  if (n.spec?.unschedulable) return false;
  const ready = (n.status?.conditions ?? []).some(
    (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True',
  );
  const tainted = (n.spec?.taints ?? []).some(
    (t: { effect: string }) => t.effect === 'NoSchedule' || t.effect === 'NoExecute',
  );
  return ready && !tainted;
}

const target = (ctx: PlaybookContext, state: State) =>
  state.nodes.find((n) => n.metadata.name === ctx.target.node);

/**
 * Cordons a node whose clock drifts (spec.unschedulable, as `kubectl cordon`), so no new workload gets certificates
 * validated against a wrong clock there. Never the last schedulable node; at most one node per interval is the
 * playbook's rate limit (config `rateLimits.cordon-node`, default 1 per hour), which holds across replicas.
 */
export const cordonNode: Playbook<State> = {
  id: 'cordon-node',
  describe:
    'Cordons the node (merge patch spec.unschedulable: true, annotation ztv.io/cordoned-for); running pods stay.',
  targets(finding) {
    const node = finding.subject.node;
    if (!node) return { ok: false, reasons: [`finding ${finding.id} (${finding.ruleId}) names no node`] };
    return { ok: true, target: { node, describe: `node ${node}` } };
  },
  read: async (ctx) => ({ nodes: await ctx.kube.list('v1', 'Node') }),
  precheck(ctx, state) {
    const node = target(ctx, state);
    if (!node) return { refusals: [`node ${ctx.target.node} does not exist`], notes: [] };
    if (node.spec?.unschedulable)
      return { refusals: [], notes: [`node ${ctx.target.node} is already cordoned`] };
    const others = state.nodes.filter((n) => n !== node && schedulable(n));
    if (!others.length)
      return {
        refusals: [
          `node ${ctx.target.node} is the last schedulable node (of ${state.nodes.length}): cordoning it would stop all scheduling`,
        ],
        notes: [],
      };
    return {
      refusals: [],
      notes: [
        `${others.length} other schedulable node(s) remain: ${others.map((n) => n.metadata.name).join(', ')}`,
      ],
    };
  },
  plan(ctx, state) {
    const node = target(ctx, state)!;
    if (node.spec?.unschedulable) return [];
    return [
      {
        type: 'merge-patch',
        ref: nodeRef(node.metadata.name),
        patch: {
          metadata: {
            resourceVersion: node.metadata.resourceVersion,
            annotations: {
              [cordonedForAnnotation]: `${ctx.finding.ruleId} (finding ${ctx.finding.id}, remediation ${ctx.remediationId})`,
            },
          },
          spec: { unschedulable: true },
        },
        why: 'stop new pods from landing on a node with a drifting clock',
      },
    ];
  },
  async verify(ctx) {
    const got = await ctx.kube.read(nodeRef(ctx.target.node!));
    return verification([
      { check: `node ${ctx.target.node} is unschedulable`, ok: got?.spec?.unschedulable === true },
    ]);
  },
};
