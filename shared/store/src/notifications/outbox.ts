import { and, asc, eq, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../client';
import {
  findingEvents,
  findings,
  notificationGroups,
  notifications,
  type Finding,
  type FindingEvent,
  type NewNotification,
  type Notification,
  type NotificationKind,
} from '../schema/index';
import { newId } from '../ids';
import { anyText, chunks, rowsOf } from '../sql';

// Rows per statement: bounds the size of one statement's array parameters.
const rowsPerStatement = 5_000;

/** The aggregation group a grouped notification joins (created with its first notification). */
export interface OutboxGroup {
  key: string;
  route: string;
  labels: Record<string, string>;
}

/** A notification to plan: what the transition and the routing decided. */
export type OutboxInsert = Pick<
  NewNotification,
  'findingId' | 'receiver' | 'integration' | 'integrationIndex' | 'kind' | 'transitionSeq' | 'jobId'
> & {
  createdAt: Date;
  /** n ≥ 1: the nth "still firing" repeat of the trigger of transitionSeq (default 0). */
  repeat?: number;
  /** Delivered with its group (one message per flush) instead of by a job of its own. */
  group?: OutboxGroup;
};

/**
 * Writes notifications into the outbox (status pending, no attempt yet), skipping job ids already recorded: a
 * transition replayed through another path plans the same ids and adds nothing. Returns how many were inserted.
 */
export async function insertNotifications(db: Database, rows: readonly OutboxInsert[]): Promise<number> {
  await insertGroups(db, rows);
  let inserted = 0;
  for (const slice of chunks(rows, rowsPerStatement)) {
    // One array parameter per column, unnested server-side: cheaper for Postgres than jsonb_to_recordset on the
    // alerter's hot path (a few hundred rows per batch), and the statement text does not grow with the batch.
    // status and attempts take their defaults (pending, 0).
    const columns: [string, string, (r: OutboxInsert) => unknown][] = [
      ['id', 'text', (r) => newId('notification', r.createdAt.getTime())],
      ['finding_id', 'text', (r) => r.findingId],
      ['receiver', 'text', (r) => r.receiver],
      ['integration', 'text', (r) => r.integration],
      ['integration_index', 'int', (r) => r.integrationIndex ?? 0],
      ['kind', 'text', (r) => r.kind],
      ['transition_seq', 'bigint', (r) => r.transitionSeq],
      ['repeat', 'int', (r) => r.repeat ?? 0],
      ['group_key', 'text', (r) => r.group?.key ?? null],
      ['job_id', 'text', (r) => r.jobId],
      ['created_at', 'timestamptz', (r) => r.createdAt.toISOString()],
    ];
    // Names and types are the constants above, never input.
    const names = sql.join(
      columns.map(([name]) => sql.identifier(name)),
      sql`, `,
    );
    const arrays = sql.join(
      columns.map(([, type, value]) => sql`${sql.param(slice.map(value))}::${sql.raw(type)}[]`),
      sql`, `,
    );
    const out = await rowsOf<{ id: string }>(
      db,
      sql`insert into ${notifications} (${names}) select * from unnest(${arrays})
          on conflict (${sql.identifier(notifications.jobId.name)}) do nothing
          returning ${sql.identifier(notifications.id.name)}`,
    );
    inserted += out.length;
  }
  return inserted;
}

/** The groups grouped rows join, created if new (the group row is what a flush locks). */
async function insertGroups(db: Database, rows: readonly OutboxInsert[]): Promise<void> {
  const groups = new Map<string, typeof notificationGroups.$inferInsert>();
  for (const r of rows)
    if (r.group && !groups.has(r.group.key))
      groups.set(r.group.key, {
        key: r.group.key,
        receiver: r.receiver,
        integration: r.integration,
        integrationIndex: r.integrationIndex ?? 0,
        route: r.group.route,
        labels: r.group.labels,
      });
  if (groups.size)
    await db
      .insert(notificationGroups)
      .values([...groups.values()])
      .onConflictDoNothing();
}

export interface OutboxEntry {
  notification: Notification;
  /** The finding as it is now (the snapshot a late notification carries). */
  finding: Finding;
  /** The finding_events row of the transition (its time, and who acknowledged); undefined if it is gone. */
  event: Pick<FindingEvent, 'id' | 'kind' | 'actor' | 'at'> | undefined;
}

/**
 * Notifications no delivery attempt has started on, created before `createdBefore`, oldest first: the outbox the
 * alerter's sweep enqueues again, since their job may never have reached the queue (the alerter died between commit
 * and enqueue, or Redis refused). For a job the queue does hold (a backlog, a group_wait delay) that is a no-op. The
 * grace period leaves a batch's own rows to the batch.
 */
export async function outboxNotifications(
  db: Database,
  opts: { createdBefore: Date; limit: number },
): Promise<OutboxEntry[]> {
  const rows = await db
    .select({
      notification: notifications,
      finding: findings,
      eventId: findingEvents.id,
      eventKind: findingEvents.kind,
      eventActor: findingEvents.actor,
      eventAt: findingEvents.at,
    })
    .from(notifications)
    .innerJoin(findings, eq(findings.id, notifications.findingId))
    .leftJoin(findingEvents, eq(findingEvents.id, notifications.transitionSeq))
    .where(
      and(
        // Matches the partial index notifications_outbox_idx.
        eq(notifications.status, 'pending'),
        eq(notifications.attempts, 0),
        lt(notifications.createdAt, opts.createdBefore),
        // A grouped notification not yet in a flush waits for its group, not for a job of its own.
        or(isNull(notifications.groupKey), isNotNull(notifications.groupSeq)),
      ),
    )
    .orderBy(asc(notifications.createdAt))
    .limit(opts.limit);
  return rows.map((r) => ({
    notification: r.notification,
    finding: r.finding,
    event:
      r.eventId !== null && r.eventKind !== null && r.eventAt !== null
        ? { id: r.eventId, kind: r.eventKind, actor: r.eventActor, at: r.eventAt }
        : undefined,
  }));
}

/** Marks outbox rows that can no longer be delivered (their receiver left the routing config) as dropped. */
export async function dropNotifications(
  db: Database,
  jobIds: readonly string[],
  reason: string,
): Promise<void> {
  if (jobIds.length === 0) return;
  await db
    .update(notifications)
    .set({ status: 'dropped', lastError: reason })
    .where(and(anyText(notifications.jobId, jobIds), eq(notifications.status, 'pending')));
}

/**
 * For each (finding, receiver) with notifications, the kind of the latest one (in transition order): 'trigger' or
 * 'acknowledge' means the receiver was told about a live finding and should hear about its resolution.
 */
export async function latestNotificationKinds(
  db: Database,
  findingIds: readonly string[],
): Promise<Map<string, NotificationKind>> {
  const out = new Map<string, NotificationKind>();
  if (findingIds.length === 0) return out;
  const rows = await db
    .selectDistinctOn([notifications.findingId, notifications.receiver], {
      findingId: notifications.findingId,
      receiver: notifications.receiver,
      kind: notifications.kind,
    })
    .from(notifications)
    .where(anyText(notifications.findingId, [...new Set(findingIds)]))
    .orderBy(
      notifications.findingId,
      notifications.receiver,
      sql`${notifications.transitionSeq} desc`,
      sql`${notifications.repeat} desc`,
    );
  for (const r of rows) out.set(receiverKey(r.findingId, r.receiver), r.kind);
  return out;
}

/** Key of latestNotificationKinds' map. */
export function receiverKey(findingId: string, receiver: string): string {
  return `${findingId}\u0000${receiver}`;
}
