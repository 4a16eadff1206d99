import { claimRemediationApply, updateRemediation, type Finding, type Remediation } from '@ztv/store';
import type { Logger } from '@ztv/telemetry';
import { rateLimitFor } from './config';
import { findingStatusRefusal, killSwitchRefusal } from './guardrails';
import { refuse } from './plan-phase';
import type { Playbook } from './playbooks/types';
import { execute, planRecord, prepare } from './prepare';
import { reasonOf, recordOf, type RunRecord } from './record';
import { PhaseError, type RunnerDeps } from './run-context';

/** The read-back after an apply did not show the intended effect. Not retried: a person has to look. */
export class VerificationFailedError extends Error {
  override readonly name = 'VerificationFailedError';
  readonly retry = false;
}

/**
 * Guardrails (kill switch, finding still open, rate limit) → claim `applying` → read, precheck, plan, dry run and diff
 * again on the current state → apply each write, recording it as soon as the server answered → read back and verify
 * → `succeeded` with a remediation_applied history row. A failure leaves `applied` and `failedAt` on record.
 */
export async function applyPhase(
  deps: RunnerDeps,
  row: Remediation,
  playbook: Playbook,
  finding: Finding,
  log: Logger,
): Promise<void> {
  const settings = deps.settings();
  const now = deps.clock();
  const guard = killSwitchRefusal(settings) ?? findingStatusRefusal(finding);
  if (guard) return void (await refuse(deps, row, [row.status], [guard], log));

  const limit = rateLimitFor(settings, row.playbook);
  const claim = await claimRemediationApply(deps.db, {
    id: row.id,
    playbook: row.playbook,
    from: [row.status],
    max: limit.max,
    windowSeconds: limit.windowSeconds,
    result: { ...recordOf(row.result), failedAt: undefined } as unknown as Record<string, unknown>,
    now,
  });
  if (!claim.ok) {
    if (claim.reason === 'status')
      return void log.info({ status: claim.status }, 'remediation moved on before it could start applying');
    const why = `rate limit of ${row.playbook}: ${claim.started} apply(s) started in the last ${limit.windowSeconds}s (at most ${limit.max}); the next slot opens at ${claim.retryAt.toISOString()}`;
    return void (await refuse(deps, row, [row.status], [why], log));
  }
  const applying = claim.remediation;
  const record: RunRecord = recordOf(applying.result);
  const save = () =>
    updateRemediation(deps.db, row.id, { from: ['applying'], result: record, now: deps.clock() });

  const prep = await prepare(playbook, finding, applying, { kube: deps.kube, settings, now }).catch(
    (e: unknown) => {
      throw new PhaseError('apply', e);
    },
  );
  if (!prep.ok) return void (await refuse(deps, applying, ['applying'], prep.refusals, log, prep.target));
  const { actions, diffs, ctx, state } = prep.prepared;
  const fresh = planRecord(actions);
  const approved = new Set(((row.plan ?? []) as { object: string }[]).map((p) => p.object));
  const added = fresh.map((p) => p.object).filter((o) => !approved.has(o));
  if (row.plan && added.length)
    return void (await refuse(
      deps,
      applying,
      ['applying'],
      [
        `the plan changed since it was recorded (now also ${added.join(', ')}): request the remediation again`,
      ],
      log,
    ));
  await updateRemediation(deps.db, row.id, {
    from: ['applying'],
    plan: fresh,
    diff: diffs,
    result: record,
    now,
  });

  for (const [i, action] of actions.entries()) {
    const d = diffs[i]!;
    if (d.action === 'unchanged') {
      if (!record.unchanged.includes(d.object)) record.unchanged.push(d.object);
      continue;
    }
    try {
      const out = await execute(deps.kube, action, false);
      record.applied.push({
        object: d.object,
        type: action.type,
        action: d.action,
        resourceVersion: out.metadata.resourceVersion,
        at: deps.clock().toISOString(),
      });
    } catch (err) {
      record.failedAt = { object: d.object, error: reasonOf(err) };
      await save();
      throw new PhaseError('apply', err);
    }
    await save();
    log.info({ object: d.object, action: d.action }, 'remediation applied an object');
  }

  const verification = await playbook.verify(ctx, state).catch((e: unknown) => {
    throw new PhaseError('verify', e);
  });
  record.verification = verification;
  if (!verification.ok) {
    await save();
    const failing = verification.checks
      .filter((c) => !c.ok)
      .map((c) => `${c.check}${c.detail ? ` (${c.detail})` : ''}`);
    throw new PhaseError('verify', new VerificationFailedError(`verification failed: ${failing.join('; ')}`));
  }
  await updateRemediation(deps.db, row.id, {
    from: ['applying'],
    status: 'succeeded',
    result: record,
    error: null,
    now: deps.clock(),
    event: {
      kind: 'remediation_applied',
      actor: 'ztv-remediator',
      data: {
        step: 'applied',
        applied: record.applied,
        unchanged: record.unchanged,
        verification: verification.checks,
      },
    },
  });
  log.info({ applied: record.applied.length, unchanged: record.unchanged.length }, 'remediation succeeded');
}
