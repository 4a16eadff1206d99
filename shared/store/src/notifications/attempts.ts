import { and, desc, eq, lt, lte, sql } from 'drizzle-orm';
import type { Database } from '../client';
import { signalActor } from '../findings/fold';
import { findingEvents, findings, notifications, type Notification } from '../schema/index';

/** What a delivery worker should do with the attempt it is about to make. */
export type DeliveryDecision =
  | { action: 'send' }
  /** The notification is moot (already settled, or its trigger never went out): finish the job without sending. */
  | { action: 'drop'; reason: string }
  /** Not yet: the trigger this follows is still being retried. Retry this job later. */
  | { action: 'wait'; reason: string };

/**
 * Called at the start of each delivery attempt: keeps a finding's notifications to one integration in order, and
 * claims the attempt (attempts := n) so that a resolve can tell a trigger that never started from one in flight.
 *
 * - A trigger is sent unless it was dropped: a receiver that comes back after an outage still gets the page. A repeat
 *   ("still firing") is sent only while the finding is open.
 * - A resolve / acknowledge follows the latest earlier trigger to the same integration: sent → send; never attempted →
 *   drop both (the finding ended before anyone was told); still being retried → wait; failed or dropped → drop. When
 *   that trigger is a repeat, the receiver was told by the trigger it repeats: a repeat never attempted is dropped and
 *   the follow-up sent; one failed or dropped does not hold the follow-up back.
 *
 * Both sides lock the trigger's row, so a trigger starting its first attempt and a resolve looking at it cannot
 * interleave. A job with no row (enqueued by something other than the alerter) is sent.
 */
export async function claimDelivery(
  db: Database,
  claim: { jobId: string; attempt: number },
): Promise<DeliveryDecision> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(notifications)
      .where(eq(notifications.jobId, claim.jobId))
      .for('update');
    if (!row) return { action: 'send' };
    return claimRow(tx, row, claim.attempt);
  });
}

/** claimDelivery for a row the caller has locked, in its transaction (a group flush claims each member so). */
export async function claimRow(tx: Database, row: Notification, attempt: number): Promise<DeliveryDecision> {
  if (row.status !== 'pending') return { action: 'drop', reason: `notification already ${row.status}` };

  if (row.kind === 'trigger' && row.repeat > 0) {
    const [finding] = await tx
      .select({ status: findings.status })
      .from(findings)
      .where(eq(findings.id, row.findingId));
    if (finding?.status !== 'open') {
      const reason = `finding is ${finding?.status ?? 'gone'}: a repeat is only sent while it is open`;
      await settle(tx, row.jobId, 'dropped', reason);
      return { action: 'drop', reason };
    }
  }
  if (row.kind !== 'trigger') {
    const [trigger] = await tx
      .select()
      .from(notifications)
      .where(
        and(
          eq(notifications.findingId, row.findingId),
          eq(notifications.receiver, row.receiver),
          eq(notifications.integration, row.integration),
          eq(notifications.integrationIndex, row.integrationIndex),
          eq(notifications.kind, 'trigger'),
          lt(notifications.transitionSeq, row.transitionSeq),
        ),
      )
      .orderBy(desc(notifications.transitionSeq), desc(notifications.repeat))
      .limit(1)
      .for('update');
    const verdict = trigger ? followVerdict(row, trigger) : undefined;
    if (trigger && verdict?.action === 'drop') {
      if (trigger.status === 'pending')
        await settle(
          tx,
          trigger.jobId,
          'dropped',
          `finding ${pastTense(row.kind)} before the ${trigger.repeat > 0 ? 'repeat' : 'trigger'} was sent`,
        );
      if (trigger.repeat === 0) {
        await settle(tx, row.jobId, 'dropped', verdict.reason);
        return verdict;
      }
    }
    if (verdict?.action === 'wait') {
      await tx.update(notifications).set({ attempts: attempt }).where(eq(notifications.id, row.id));
      return verdict;
    }
  }
  await tx
    .update(notifications)
    .set({ attempts: sql`greatest(${notifications.attempts}, ${attempt})` })
    .where(eq(notifications.id, row.id));
  return { action: 'send' };
}

function followVerdict(row: Notification, trigger: Notification): DeliveryDecision {
  if (trigger.status === 'sent') return { action: 'send' };
  if (trigger.status === 'pending' && trigger.attempts === 0)
    return { action: 'drop', reason: `the trigger was never sent (finding ${pastTense(row.kind)} first)` };
  if (trigger.status === 'pending')
    return {
      action: 'wait',
      reason: `waiting for the trigger (attempt ${trigger.attempts}) to be delivered first`,
    };
  // A repeat that failed or was dropped: the trigger it repeats was delivered.
  if (trigger.repeat > 0) return { action: 'send' };
  return { action: 'drop', reason: `the trigger was not delivered (${trigger.status})` };
}

const pastTense = (kind: Notification['kind']) => (kind === 'resolve' ? 'resolved' : 'acknowledged');

async function settle(tx: Database, jobId: string, status: 'dropped', reason: string): Promise<void> {
  await tx
    .update(notifications)
    .set({ status, lastError: reason })
    .where(and(eq(notifications.jobId, jobId), eq(notifications.status, 'pending')));
}

export interface DeliveryAttemptRecord {
  jobId: string;
  /** 1-based. */
  attempt: number;
  status: 'sent' | 'retrying' | 'failed';
  statusCode?: number;
  /** Already redacted by the caller. */
  error?: string;
}

/**
 * Records one delivery attempt on its notification (attempts, status, last code and error, sent_at) and in the
 * finding's history (`notified` / `notify_failed`). Idempotent per (jobId, attempt): a crashed worker that records the
 * same attempt again adds nothing, an older attempt never overwrites a newer one, and a settled row (sent, failed,
 * dropped) never changes. Returns false when nothing was recorded.
 */
export async function recordDeliveryAttempt(
  db: Database,
  rec: DeliveryAttemptRecord,
  now: Date,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const status = rec.status === 'retrying' ? 'pending' : rec.status;
    const [row] = await tx
      .update(notifications)
      .set({
        status,
        attempts: sql`greatest(${notifications.attempts}, ${rec.attempt})`,
        lastStatusCode: rec.statusCode ?? null,
        lastError: rec.error ?? null,
        ...(rec.status === 'sent' ? { sentAt: now } : {}),
      })
      .where(
        and(
          eq(notifications.jobId, rec.jobId),
          eq(notifications.status, 'pending'),
          lte(notifications.attempts, rec.attempt),
        ),
      )
      .returning({
        findingId: notifications.findingId,
        receiver: notifications.receiver,
        integration: notifications.integration,
        kind: notifications.kind,
      });
    if (!row) return false;
    const kind = rec.status === 'sent' ? 'notified' : 'notify_failed';
    const data = {
      jobId: rec.jobId,
      receiver: row.receiver,
      integration: row.integration,
      notification: row.kind,
      attempt: rec.attempt,
      final: rec.status !== 'retrying',
      ...(rec.statusCode !== undefined ? { statusCode: rec.statusCode } : {}),
      ...(rec.error !== undefined ? { error: rec.error } : {}),
    };
    // Only the first record of an attempt becomes a history row.
    await tx.execute(sql`
      insert into ${findingEvents} (finding_id, kind, actor, data, at)
      select ${row.findingId}, ${kind}, ${signalActor}, ${JSON.stringify(data)}::jsonb, ${now.toISOString()}::timestamptz
      where not exists (
        select 1 from ${findingEvents}
        where finding_id = ${row.findingId} and kind in ('notified', 'notify_failed')
          and data->>'jobId' = ${rec.jobId} and data->>'attempt' = ${String(rec.attempt)}
      )`);
    return true;
  });
}
