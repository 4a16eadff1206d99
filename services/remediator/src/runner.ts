import {
  isRetryable,
  RetryableError,
  RetryAfterError,
  UnrecoverableJobError,
  type JobContext,
  type RemediationRunPayload,
} from '@ztv/jobs';
import { KubeError } from '@ztv/kube';
import { getFinding, getRemediation, updateRemediation, type Remediation } from '@ztv/store';
import type { Logger } from '@ztv/telemetry';
import { applyPhase } from './apply-phase';
import { planPhase } from './plan-phase';
import { reasonOf, recordOf } from './record';
import { PhaseError, type RunnerDeps } from './run-context';

const finished = new Set(['succeeded', 'failed', 'rejected', 'expired', 'refused']);

/**
 * Runs one `remediation.run` job. The remediations row, not the payload, decides what happens (the payload may be a
 * replay): `requested` → plan (and apply in auto mode); `approved` (or `applying`, a retry) → apply; anything else →
 * nothing, so a replayed or duplicate job never acts twice. Failures are recorded before the job fails or retries.
 */
export async function runRemediation(
  deps: RunnerDeps,
  payload: RemediationRunPayload,
  job: Pick<JobContext, 'attempt' | 'maxAttempts'>,
): Promise<void> {
  const log = deps.logger.child({
    remediationId: payload.remediationId,
    playbook: payload.playbook,
    attempt: job.attempt,
  });
  const row = await getRemediation(deps.db, payload.remediationId);
  if (!row) throw new UnrecoverableJobError(`remediation ${payload.remediationId} does not exist`);
  if (row.playbook !== payload.playbook || row.findingId !== payload.findingId)
    throw new UnrecoverableJobError(
      `job payload does not match remediation ${row.id} (playbook ${row.playbook}, finding ${row.findingId})`,
    );
  const runsPlan = row.status === 'requested';
  const runsApply =
    row.status === 'approved' ||
    row.status === 'applying' ||
    (row.status === 'planned' && row.mode === 'auto');
  if (!runsPlan && !runsApply) {
    log.info(
      { status: row.status },
      finished.has(row.status) ? 'remediation already finished' : 'remediation waits for a decision',
    );
    return;
  }
  try {
    const playbook = deps.playbooks.get(row.playbook);
    if (!playbook)
      throw new PhaseError(
        'plan',
        new UnrecoverableJobError(
          `unknown playbook ${row.playbook} (known: ${[...deps.playbooks.keys()].join(', ')})`,
        ),
      );
    const finding = await getFinding(deps.db, row.findingId);
    if (!finding)
      throw new PhaseError('plan', new UnrecoverableJobError(`finding ${row.findingId} does not exist`));
    let current: Remediation | undefined = row;
    if (runsPlan) current = await planPhase(deps, row, playbook, finding, log);
    if (
      current &&
      (current.status === 'approved' ||
        current.status === 'applying' ||
        (current.status === 'planned' && current.mode === 'auto'))
    )
      await applyPhase(deps, current, playbook, finding, log);
  } catch (err) {
    await recordFailure(
      deps,
      payload.remediationId,
      err instanceof PhaseError ? err : new PhaseError(runsPlan ? 'plan' : 'apply', err),
      job,
      log,
    );
  }
}

/**
 * Records a failed attempt. Retryable (5xx, timeouts, unreachable, stale resourceVersion) with attempts left: the
 * attempt is appended to the record and the job retries. Otherwise the remediation is `failed` with the reason and
 * a remediation_failed history row naming what had been applied. Always throws, so the queue sees the outcome.
 */
async function recordFailure(
  deps: RunnerDeps,
  id: string,
  err: PhaseError,
  job: Pick<JobContext, 'attempt' | 'maxAttempts'>,
  log: Logger,
): Promise<never> {
  const { phase, cause } = err;
  const reason = reasonOf(cause);
  const final = !isRetryable(cause) || job.attempt >= job.maxAttempts;
  const now = deps.clock();
  const row = await getRemediation(deps.db, id);
  if (row && !finished.has(row.status)) {
    const record = recordOf(row.result);
    record.attempts.push({
      attempt: job.attempt,
      phase,
      at: now.toISOString(),
      error: reason,
      retry: !final,
    });
    await updateRemediation(deps.db, id, {
      from: [row.status],
      result: record,
      error: reason,
      now,
      ...(final
        ? {
            status: 'failed' as const,
            event: {
              kind: 'remediation_failed' as const,
              actor: 'ztv-remediator',
              data: {
                step: phase,
                reason,
                applied: record.applied,
                failedAt: record.failedAt ?? null,
                attempts: record.attempts.length,
              },
            },
          }
        : {}),
    });
  }
  log.warn({ phase, reason, final }, final ? 'remediation failed' : 'remediation attempt failed; retrying');
  if (final) throw new UnrecoverableJobError(reason, { cause });
  const after = cause instanceof KubeError ? cause.retryAfterSeconds : undefined;
  if (after !== undefined) throw new RetryAfterError(after * 1000, reason, { cause });
  throw new RetryableError(reason, { cause });
}
