import { updateRemediation, type Finding, type Remediation, type RemediationStatus } from '@ztv/store';
import type { Logger } from '@ztv/telemetry';
import { diffText } from './diff';
import type { Playbook } from './playbooks/types';
import { planRecord, prepare } from './prepare';
import { recordOf } from './record';
import { PhaseError, type RunnerDeps } from './run-context';

/**
 * Refuses a remediation (a guardrail or a precheck said no): status `refused`, the reasons in `error` and the record,
 * and a remediation_rejected history row with step `refused`. Nothing was written to the cluster.
 */
export async function refuse(
  deps: RunnerDeps,
  row: Remediation,
  from: RemediationStatus[],
  reasons: string[],
  log: Logger,
  target?: string,
): Promise<undefined> {
  const record = recordOf(row.result);
  record.refusals = reasons;
  if (target) record.target = target;
  await updateRemediation(deps.db, row.id, {
    from,
    status: 'refused',
    error: `refused: ${reasons.join('; ')}`,
    result: record,
    now: deps.clock(),
    event: {
      kind: 'remediation_rejected',
      actor: 'ztv-remediator',
      data: { step: 'refused', reasons, ...(target ? { target } : {}) },
    },
  });
  log.info({ reasons }, 'remediation refused');
  return undefined;
}

/**
 * read → precheck → plan → server-side dry run → diff → record. The row becomes `planned` (dry-run and auto) or
 * `awaiting_approval` (approve, with expires_at), holding the plan and the diff. The cluster is not changed.
 */
export async function planPhase(
  deps: RunnerDeps,
  row: Remediation,
  playbook: Playbook,
  finding: Finding,
  log: Logger,
): Promise<Remediation | undefined> {
  const settings = deps.settings();
  const now = deps.clock();
  const prep = await prepare(playbook, finding, row, { kube: deps.kube, settings, now }).catch(
    (e: unknown) => {
      throw new PhaseError('plan', e);
    },
  );
  if (!prep.ok) return refuse(deps, row, ['requested'], prep.refusals, log, prep.target);
  const p = prep.prepared;
  const record = recordOf(row.result);
  record.target = p.ctx.target.describe;
  record.notes = p.precheck.notes;
  const status: RemediationStatus = row.mode === 'approve' ? 'awaiting_approval' : 'planned';
  const updated = await updateRemediation(deps.db, row.id, {
    from: ['requested'],
    status,
    plan: planRecord(p.actions),
    diff: p.diffs,
    result: record,
    error: null,
    now,
    ...(status === 'awaiting_approval'
      ? { expiresAt: row.expiresAt ?? new Date(now.getTime() + settings.approvalTtlSeconds * 1000) }
      : {}),
    event: {
      kind: 'remediation_planned',
      actor: 'ztv-remediator',
      data: {
        step: 'planned',
        target: p.ctx.target.describe,
        objects: p.diffs.map((d) => ({ object: d.object, action: d.action, changes: d.changes.length })),
        notes: p.precheck.notes,
      },
    },
  });
  log.info({ status, diff: diffText(p.diffs) }, 'remediation planned');
  return updated;
}
