import type { JobQueue } from '@ztv/jobs';
import {
  approveRemediation,
  createRemediation,
  getFinding,
  getRemediation,
  listRemediations,
  rejectRemediation,
  remediationJobId,
  updateRemediation,
  type Database,
  type Remediation,
  type RemediationStatus,
} from '@ztv/store';

/** Statuses of a remediation still on its way: a second request for the same finding and playbook is refused. */
const inFlight: RemediationStatus[] = ['requested', 'planned', 'awaiting_approval', 'approved', 'applying'];

export type RemediationOutcome =
  | { ok: true; remediation: Remediation }
  | { ok: false; error: 'not_found' | 'unavailable' }
  | { ok: false; error: 'conflict'; message: string; remediationId?: string };

export interface RemediationRequest {
  findingId: string;
  playbook: string;
  mode: 'dry-run' | 'approve';
  actor: string;
  now: Date;
}

/**
 * Records a request (status 'requested', with its history row) and enqueues the remediator's first run, which plans
 * the change as a server-side-apply dry run and records the diff. If the queue refuses the job, the remediation is
 * marked failed with the reason, so the request can be made again.
 */
export async function requestRemediation(db: Database, jobs: JobQueue, req: RemediationRequest): Promise<RemediationOutcome> {
  const finding = await getFinding(db, req.findingId);
  if (!finding) return { ok: false, error: 'not_found' };
  if (finding.status === 'resolved') return { ok: false, error: 'conflict', message: 'the finding is resolved; there is nothing to remediate' };
  const [running] = await listRemediations(db, { findingId: finding.id, playbook: req.playbook, status: inFlight, limit: 1 });
  if (running)
    return { ok: false, error: 'conflict', message: `remediation ${running.id} with ${req.playbook} is already ${running.status}`, remediationId: running.id };
  const { remediation } = await createRemediation(db, { findingId: finding.id, playbook: req.playbook, mode: req.mode, requestedBy: req.actor, now: req.now });
  try {
    await jobs.enqueue(
      'remediation.run',
      { remediationId: remediation.id, findingId: finding.id, fingerprint: finding.fingerprint, playbook: req.playbook, mode: req.mode, requestedBy: req.actor },
      { jobId: remediation.jobId ?? remediationJobId(remediation.id) },
    );
  } catch (err) {
    await updateRemediation(db, remediation.id, { from: ['requested'], status: 'failed', error: `could not enqueue the remediation job: ${(err as Error).message}`, now: req.now });
    return { ok: false, error: 'unavailable' };
  }
  return { ok: true, remediation };
}

/**
 * planned / awaiting_approval → approved, then enqueues the run that applies the plan. Approving an approved
 * remediation again only enqueues again (the job id is deterministic, so a job that exists is not duplicated): a
 * request that failed between the two steps can simply be retried.
 */
export async function approve(db: Database, jobs: JobQueue, id: string, actor: string, now: Date): Promise<RemediationOutcome> {
  const decision = await approveRemediation(db, id, { approvedBy: actor, now });
  let remediation: Remediation;
  if (decision.ok) remediation = decision.remediation;
  else if (decision.reason === 'not_found') return { ok: false, error: 'not_found' };
  else if (decision.reason === 'not_decidable' && decision.status === 'approved') remediation = (await getRemediation(db, id))!;
  else
    return {
      ok: false,
      error: 'conflict',
      message: decision.reason === 'expired' ? `the plan of ${id} expired; request the remediation again` : `only a planned remediation can be approved; ${id} is ${decision.status}`,
    };
  const finding = await getFinding(db, remediation.findingId);
  await jobs.enqueue(
    'remediation.run',
    { remediationId: id, findingId: remediation.findingId, fingerprint: finding?.fingerprint ?? remediation.findingId, playbook: remediation.playbook, mode: remediation.mode, requestedBy: remediation.requestedBy },
    { jobId: remediationJobId(id, 'approved') },
  );
  return { ok: true, remediation };
}

/** planned / awaiting_approval → rejected; nothing is applied. */
export async function reject(db: Database, id: string, actor: string, now: Date, reason: string | undefined): Promise<RemediationOutcome> {
  const r = await rejectRemediation(db, id, { rejectedBy: actor, now, ...(reason ? { reason } : {}) });
  if (r.ok) return r;
  if (r.reason === 'not_found') return { ok: false, error: 'not_found' };
  return { ok: false, error: 'conflict', message: `only a planned remediation can be rejected; ${id} is ${r.status}` };
}
