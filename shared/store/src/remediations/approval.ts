import { and, eq, lt } from 'drizzle-orm';
import type { Database } from '../client';
import { remediations, type Remediation, type RemediationStatus } from '../schema/index';
import { remediationJobId } from './job-id';
import { getRemediation, updateRemediation } from './repository';

/** Statuses an operator can approve or reject: a recorded plan (dry-run) or one parked for approval. */
export const decidableStatuses: readonly RemediationStatus[] = ['planned', 'awaiting_approval'];

export type RemediationDecision =
  | { ok: true; remediation: Remediation; jobId: string }
  | { ok: false; reason: 'not_found' | 'expired' | 'not_decidable'; status?: RemediationStatus };

/**
 * An operator approves a planned remediation (dry-run or approve mode): status → `approved`, `approved_by` set, the
 * job id becomes `remediation:<id>:approved`, and the step is recorded. The caller then enqueues `remediation.run` with
 * that job id. A plan past its `expires_at` is marked `expired` instead and cannot be approved.
 */
export async function approveRemediation(
  db: Database,
  id: string,
  opts: { approvedBy: string; now?: Date; comment?: string },
): Promise<RemediationDecision> {
  const now = opts.now ?? new Date();
  const current = await getRemediation(db, id);
  if (!current) return { ok: false, reason: 'not_found' };
  if (current.expiresAt && current.expiresAt <= now && decidableStatuses.includes(current.status)) {
    await expire(db, current, now);
    return { ok: false, reason: 'expired', status: 'expired' };
  }
  const jobId = remediationJobId(id, 'approved');
  const row = await updateRemediation(db, id, {
    from: [...decidableStatuses],
    status: 'approved',
    approvedBy: opts.approvedBy,
    jobId,
    now,
    event: {
      // finding_events has no remediation_approved kind: an approval is the request to apply (data.step says so).
      kind: 'remediation_requested',
      actor: opts.approvedBy,
      data: { step: 'approved', jobId, ...(opts.comment ? { comment: opts.comment } : {}) },
    },
  });
  if (!row) return { ok: false, reason: 'not_decidable', status: (await getRemediation(db, id))?.status };
  return { ok: true, remediation: row, jobId };
}

/** An operator rejects a planned remediation: status → `rejected`; nothing will be applied. */
export async function rejectRemediation(
  db: Database,
  id: string,
  opts: { rejectedBy: string; reason?: string; now?: Date },
): Promise<
  | { ok: true; remediation: Remediation }
  | { ok: false; reason: 'not_found' | 'not_decidable'; status?: RemediationStatus }
> {
  const row = await updateRemediation(db, id, {
    from: [...decidableStatuses],
    status: 'rejected',
    ...(opts.reason ? { error: `rejected: ${opts.reason}` } : {}),
    now: opts.now,
    event: {
      kind: 'remediation_rejected',
      actor: opts.rejectedBy,
      data: { step: 'rejected', ...(opts.reason ? { reason: opts.reason } : {}) },
    },
  });
  if (row) return { ok: true, remediation: row };
  const current = await getRemediation(db, id);
  return current
    ? { ok: false, reason: 'not_decidable', status: current.status }
    : { ok: false, reason: 'not_found' };
}

/** Marks every `awaiting_approval` plan past its expires_at as `expired` (with a history row each); returns them. */
export async function expireRemediations(db: Database, now: Date = new Date()): Promise<Remediation[]> {
  const due = await db
    .select()
    .from(remediations)
    .where(and(eq(remediations.status, 'awaiting_approval'), lt(remediations.expiresAt, now)))
    .limit(500);
  const out: Remediation[] = [];
  for (const r of due) {
    const row = await expire(db, r, now);
    if (row) out.push(row);
  }
  return out;
}

async function expire(db: Database, r: Remediation, now: Date): Promise<Remediation | undefined> {
  return updateRemediation(db, r.id, {
    from: [...decidableStatuses],
    status: 'expired',
    error: `approval window ended at ${r.expiresAt?.toISOString()}`,
    now,
    event: {
      kind: 'remediation_rejected',
      actor: 'ztv-remediator',
      data: { step: 'expired', expiresAt: r.expiresAt?.toISOString() },
    },
  });
}
