import { and, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { JobQueue } from '@ztv/jobs';
import {
  findingEvents,
  findings,
  newId,
  remediations,
  type Database,
  type Remediation,
  type RemediationMode,
  type RemediationStatus,
} from '@ztv/store';

/** Statuses of a remediation that is still going somewhere: a second request for the same playbook is refused. */
const inFlight: RemediationStatus[] = ['requested', 'planned', 'awaiting_approval', 'approved', 'applying'];

export type RemediationOutcome =
  | { ok: true; remediation: Remediation }
  | { ok: false; error: 'not_found' }
  | { ok: false; error: 'conflict'; message: string; remediationId?: string };

/** Job id of a remediation's planning run and of its approved run: deterministic, so a retry enqueues nothing new. */
export const planJobId = (id: string) => `remediation:${id}`;
export const applyJobId = (id: string) => `remediation:${id}:apply`;

export interface RemediationRequest {
  findingId: string;
  playbook: string;
  mode: Extract<RemediationMode, 'dry-run' | 'approve'>;
  actor: string;
  now: Date;
}

/**
 * Records a remediation request (status 'requested') and its finding_events row, and enqueues the remediator's
 * planning run (a server-side-apply dry run that records the diff and, in 'approve' mode, waits for approval). The
 * job is enqueued inside the transaction: if the queue refuses it, nothing is recorded.
 */
export async function requestRemediation(db: Database, jobs: JobQueue, req: RemediationRequest): Promise<RemediationOutcome> {
  return db.transaction(async (tx) => {
    const [finding] = await tx.select().from(findings).where(eq(findings.id, req.findingId)).for('update');
    if (!finding) return { ok: false, error: 'not_found' } as const;
    if (finding.status === 'resolved') return { ok: false, error: 'conflict', message: 'the finding is resolved; there is nothing to remediate' } as const;
    const [running] = await tx
      .select({ id: remediations.id, status: remediations.status })
      .from(remediations)
      .where(and(eq(remediations.findingId, finding.id), eq(remediations.playbook, req.playbook), inArray(remediations.status, inFlight)));
    if (running)
      return { ok: false, error: 'conflict', message: `remediation ${running.id} with ${req.playbook} is already ${running.status}`, remediationId: running.id } as const;
    const id = newId('remediation', req.now.getTime());
    const [row] = await tx
      .insert(remediations)
      .values({ id, findingId: finding.id, playbook: req.playbook, mode: req.mode, status: 'requested', requestedBy: req.actor, jobId: planJobId(id), createdAt: req.now, updatedAt: req.now })
      .returning();
    await tx.insert(findingEvents).values({
      findingId: finding.id,
      kind: 'remediation_requested',
      actor: req.actor,
      at: req.now,
      data: { remediationId: id, playbook: req.playbook, mode: req.mode, step: 'plan' },
    });
    await jobs.enqueue(
      'remediation.run',
      { remediationId: id, findingId: finding.id, fingerprint: finding.fingerprint, playbook: req.playbook, mode: req.mode, requestedBy: req.actor },
      { jobId: planJobId(id) },
    );
    return { ok: true, remediation: row! } as const;
  });
}

/**
 * awaiting_approval → approved, and enqueues the run that applies the plan. Approval is recorded in finding_events as
 * a 'remediation_requested' row with `data.step = 'apply'` (the schema has no separate kind for it).
 */
export async function approveRemediation(db: Database, jobs: JobQueue, id: string, actor: string, now: Date): Promise<RemediationOutcome> {
  return db.transaction(async (tx) => {
    const [rem] = await tx.select().from(remediations).where(eq(remediations.id, id)).for('update');
    if (!rem) return { ok: false, error: 'not_found' } as const;
    if (rem.status !== 'awaiting_approval')
      return { ok: false, error: 'conflict', message: `only a remediation awaiting approval can be approved; ${id} is ${rem.status}` } as const;
    if (rem.expiresAt && rem.expiresAt.getTime() <= now.getTime()) {
      await tx.update(remediations).set({ status: 'expired', updatedAt: now }).where(eq(remediations.id, id));
      return { ok: false, error: 'conflict', message: `the plan of ${id} expired at ${rem.expiresAt.toISOString()}; request it again` } as const;
    }
    const [row] = await tx
      .update(remediations)
      .set({ status: 'approved', approvedBy: actor, updatedAt: now })
      .where(eq(remediations.id, id))
      .returning();
    const [finding] = await tx.select({ fingerprint: findings.fingerprint }).from(findings).where(eq(findings.id, rem.findingId));
    await tx.insert(findingEvents).values({
      findingId: rem.findingId,
      kind: 'remediation_requested',
      actor,
      at: now,
      data: { remediationId: id, playbook: rem.playbook, mode: rem.mode, step: 'apply', approvedBy: actor },
    });
    await jobs.enqueue(
      'remediation.run',
      { remediationId: id, findingId: rem.findingId, fingerprint: finding?.fingerprint ?? '', playbook: rem.playbook, mode: rem.mode, requestedBy: actor },
      { jobId: applyJobId(id) },
    );
    return { ok: true, remediation: row! } as const;
  });
}

/** requested / planned / awaiting_approval → rejected; nothing is applied. */
export async function rejectRemediation(db: Database, id: string, actor: string, now: Date, reason: string | undefined): Promise<RemediationOutcome> {
  return db.transaction(async (tx) => {
    const [rem] = await tx.select().from(remediations).where(eq(remediations.id, id)).for('update');
    if (!rem) return { ok: false, error: 'not_found' } as const;
    if (!['requested', 'planned', 'awaiting_approval'].includes(rem.status))
      return { ok: false, error: 'conflict', message: `only a remediation that has not been approved can be rejected; ${id} is ${rem.status}` } as const;
    const [row] = await tx
      .update(remediations)
      .set({ status: 'rejected', approvedBy: null, error: reason ? `rejected: ${reason}` : 'rejected', updatedAt: now })
      .where(eq(remediations.id, id))
      .returning();
    await tx.insert(findingEvents).values({
      findingId: rem.findingId,
      kind: 'remediation_rejected',
      actor,
      at: now,
      data: { remediationId: id, playbook: rem.playbook, ...(reason ? { reason } : {}) },
    });
    return { ok: true, remediation: row! } as const;
  });
}

export async function listRemediations(db: Database, filters: { status?: RemediationStatus[]; findingId?: string; limit: number }): Promise<Remediation[]> {
  const where: SQL[] = [];
  if (filters.status?.length) where.push(inArray(remediations.status, filters.status));
  if (filters.findingId) where.push(eq(remediations.findingId, filters.findingId));
  return db.select().from(remediations).where(and(...where)).orderBy(desc(remediations.createdAt), desc(remediations.id)).limit(filters.limit);
}

export async function getRemediation(db: Database, id: string): Promise<Remediation | undefined> {
  const [row] = await db.select().from(remediations).where(eq(remediations.id, id));
  return row;
}
