import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Database } from '../client';
import {
  findingEvents,
  findings,
  notificationGroups,
  notifications,
  type Finding,
  type NotificationGroup,
  type NotificationKind,
} from '../schema/index';
import { anyText } from '../sql';
import { claimRow, type DeliveryDecision } from './attempts';

/** A group with notifications not yet assigned to a flush, and since when the oldest of them waits. */
export interface PendingGroup extends NotificationGroup {
  firstPendingAt: Date;
}

const pendingMembers = (key: string) =>
  and(eq(notifications.groupKey, key), isNull(notifications.groupSeq), eq(notifications.status, 'pending'));

/** Groups with notifications waiting for their next flush (the alerter's periodic pass decides which are due). */
export async function pendingGroups(db: Database, opts: { limit: number }): Promise<PendingGroup[]> {
  const rows = await db
    .select({
      group: notificationGroups,
      firstPendingAt: sql<Date | string>`min(${notifications.createdAt})`,
    })
    .from(notificationGroups)
    .innerJoin(notifications, eq(notifications.groupKey, notificationGroups.key))
    .where(and(isNull(notifications.groupSeq), eq(notifications.status, 'pending')))
    .groupBy(notificationGroups.key)
    .orderBy(sql`min(${notifications.createdAt})`)
    .limit(opts.limit);
  return rows.map((r) => ({ ...r.group, firstPendingAt: new Date(r.firstPendingAt) }));
}

/**
 * Makes the group's next flush: its waiting notifications get group_seq = last_seq + 1, and the group remembers when
 * (group_interval counts from it). `due` is asked again under the group's lock, so two replicas (or a replayed pass)
 * flush a group once: the second finds it locked (skipped), or flushed (nothing waiting, or not due yet). Returns the
 * flush made, or undefined.
 */
export async function flushGroup(
  db: Database,
  key: string,
  now: Date,
  due: (g: PendingGroup) => boolean,
): Promise<{ group: NotificationGroup; seq: number; members: number } | undefined> {
  return db.transaction(async (tx) => {
    const [group] = await tx
      .select()
      .from(notificationGroups)
      .where(eq(notificationGroups.key, key))
      .for('update', { skipLocked: true });
    if (!group) return undefined;
    const [first] = await tx
      .select({ at: sql<Date | string | null>`min(${notifications.createdAt})` })
      .from(notifications)
      .where(pendingMembers(key));
    if (!first?.at || !due({ ...group, firstPendingAt: new Date(first.at) })) return undefined;
    const seq = group.lastSeq + 1;
    const assigned = await tx
      .update(notifications)
      .set({ groupSeq: seq })
      .where(pendingMembers(key))
      .returning({ id: notifications.id });
    const [updated] = await tx
      .update(notificationGroups)
      .set({ lastSeq: seq, lastFlushedAt: now })
      .where(eq(notificationGroups.key, key))
      .returning();
    return { group: updated!, seq, members: assigned.length };
  });
}

export async function getNotificationGroups(
  db: Database,
  keys: readonly string[],
): Promise<Map<string, NotificationGroup>> {
  if (keys.length === 0) return new Map();
  const rows = await db
    .select()
    .from(notificationGroups)
    .where(anyText(notificationGroups.key, [...new Set(keys)]));
  return new Map(rows.map((g) => [g.key, g]));
}

/** One finding's notification in a group flush, with what the message says about it. */
export interface GroupMember {
  jobId: string;
  kind: NotificationKind;
  repeat: number;
  /** When its transition happened (a repeat: when it was planned). */
  at: Date;
  /** acknowledge: who. */
  actor: string | null;
  /** The finding as it is now. */
  finding: Finding;
}

export type GroupDecision =
  | { action: 'send'; members: GroupMember[] }
  | { action: 'drop'; reason: string }
  | { action: 'wait'; reason: string };

/**
 * claimDelivery for a group flush: each member is claimed as a notification of its own (in order behind earlier
 * notifications of its finding, so a resolve never overtakes its trigger) and the flush carries those to send. A
 * finding that fired and resolved within one flush is dropped from it (nobody was told); if any member must wait for
 * an earlier trigger still being retried, the whole flush waits (it goes to the same endpoint).
 */
export async function claimGroupDelivery(
  db: Database,
  claim: { groupKey: string; groupSeq: number; attempt: number },
): Promise<GroupDecision> {
  return db.transaction(async (tx) => {
    const members = () =>
      tx
        .select()
        .from(notifications)
        .where(and(eq(notifications.groupKey, claim.groupKey), eq(notifications.groupSeq, claim.groupSeq)))
        .orderBy(asc(notifications.transitionSeq), asc(notifications.repeat), asc(notifications.id))
        .for('update');
    const sending = new Set<string>();
    let wait: string | undefined;
    // Resolves and acknowledgements first: one whose trigger is in this same flush drops both, and the trigger must
    // then be seen dropped (so it is read again below).
    for (const pass of ['follow-ups', 'triggers'] as const) {
      for (const row of await members()) {
        if ((row.kind === 'trigger') !== (pass === 'triggers')) continue;
        const d: DeliveryDecision = await claimRow(tx, row, claim.attempt);
        if (d.action === 'send') sending.add(row.jobId);
        else if (d.action === 'wait') wait ??= d.reason;
      }
    }
    if (wait) return { action: 'wait', reason: wait };
    if (sending.size === 0)
      return { action: 'drop', reason: 'no notification of this flush is left to send' };
    const rows = await tx
      .select({ n: notifications, finding: findings, eventAt: findingEvents.at, actor: findingEvents.actor })
      .from(notifications)
      .innerJoin(findings, eq(findings.id, notifications.findingId))
      .leftJoin(findingEvents, eq(findingEvents.id, notifications.transitionSeq))
      .where(anyText(notifications.jobId, [...sending]))
      .orderBy(asc(notifications.transitionSeq), asc(notifications.repeat));
    return {
      action: 'send',
      members: rows.map((r) => ({
        jobId: r.n.jobId,
        kind: r.n.kind,
        repeat: r.n.repeat,
        at: r.n.repeat > 0 || !r.eventAt ? r.n.createdAt : r.eventAt,
        actor: r.actor,
        finding: r.finding,
      })),
    };
  });
}
