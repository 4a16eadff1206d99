import type { Remediation } from '@ztv/store';
import type { RemediatorSettings } from './config';
import { diffObject, type ObjectDiff } from './diff';
import { protectedNamespaceRefusal } from './guardrails';
import { refText, type KubeObject, type KubeOps } from './kube-ops';
import {
  actionRef,
  type Action,
  type FindingRef,
  type Playbook,
  type PlaybookContext,
  type Precheck,
} from './playbooks/types';

/** A playbook run up to (and including) the server-side dry run: what would be applied, and what it would change. */
export interface Prepared {
  playbook: Playbook;
  ctx: PlaybookContext;
  state: unknown;
  precheck: Precheck;
  actions: Action[];
  diffs: ObjectDiff[];
}

export type Preparation =
  { ok: true; prepared: Prepared } | { ok: false; refusals: string[]; target?: string };

/** Executes one action as ztv-remediator; `dryRun` asks the server to validate and compute without storing. */
export function execute(kube: KubeOps, a: Action, dryRun: boolean): Promise<KubeObject> {
  return a.type === 'apply' ? kube.apply(a.object, { dryRun }) : kube.mergePatch(a.ref, a.patch, { dryRun });
}

/** The plan as recorded in remediations.plan: what each action writes and why. */
export const planRecord = (actions: readonly Action[]) =>
  actions.map((a) => ({
    type: a.type,
    object: refText(actionRef(a)),
    why: a.why,
    ...(a.type === 'apply' ? { body: a.object } : { body: a.patch }),
  }));

/**
 * The common first half of every playbook run: targets → protected-namespace guard → read → precheck → plan → for
 * each action, read the object as it is and dry-run the write (dryRun=All) → diff. Refusals are values; Kubernetes
 * failures throw KubeErrors.
 */
export async function prepare(
  playbook: Playbook,
  finding: FindingRef,
  row: Pick<Remediation, 'id' | 'mode'>,
  deps: { kube: KubeOps; settings: RemediatorSettings; now: Date },
): Promise<Preparation> {
  const t = playbook.targets(finding);
  if (!t.ok) return { ok: false, refusals: t.reasons };
  const guarded = protectedNamespaceRefusal(deps.settings, t.target);
  if (guarded) return { ok: false, refusals: [guarded], target: t.target.describe };
  const ctx: PlaybookContext = {
    kube: deps.kube,
    finding,
    target: t.target,
    settings: deps.settings,
    mode: row.mode,
    remediationId: row.id,
    now: deps.now,
  };
  const state = await playbook.read(ctx);
  const precheck = playbook.precheck(ctx, state);
  if (precheck.refusals.length) return { ok: false, refusals: precheck.refusals, target: t.target.describe };
  const actions = playbook.plan(ctx, state);
  const diffs: ObjectDiff[] = [];
  for (const a of actions) {
    const ref = actionRef(a);
    const current = await deps.kube.read(ref);
    diffs.push(diffObject(refText(ref), current, await execute(deps.kube, a, true)));
  }
  return { ok: true, prepared: { playbook, ctx, state, precheck, actions, diffs } };
}
