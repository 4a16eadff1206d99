import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, oneOf, prefixedId, timestamptz } from './columns';
import {
  notificationIntegrations,
  notificationKinds,
  notificationStatuses,
  type NotificationIntegration,
  type NotificationKind,
  type NotificationStatus,
} from './enums';
import { findings } from './findings';

/**
 * One delivery to one integration of one receiver; job_id is the deterministic BullMQ job id, so a replay cannot
 * enqueue it twice. Rows are written in the transaction that records the transition (an outbox): a job that never
 * reached the queue (a crash between commit and enqueue) leaves a pending row no attempt started on, and the alerter's
 * sweep enqueues it again (a no-op for a job the queue holds).
 */
export const notifications = pgTable(
  'notifications',
  {
    id: prefixedId('notification'),
    findingId: text('finding_id')
      .notNull()
      .references(() => findings.id, { onDelete: 'cascade' }),
    receiver: text('receiver').notNull(),
    integration: text('integration').$type<NotificationIntegration>().notNull(),
    /** Index into the receiver's `<integration>_configs`. */
    integrationIndex: integer('integration_index').notNull().default(0),
    kind: text('kind').$type<NotificationKind>().notNull(),
    /** finding_events.id of the transition that caused it: orders a finding's notifications, part of job_id. */
    transitionSeq: bigint('transition_seq', { mode: 'number' }).notNull(),
    /**
     * 0 for the notification of the transition itself; n ≥ 1 for the nth "still firing" repeat of that trigger
     * (repeat_interval). A finding's notifications to one integration are ordered by (transition_seq, repeat).
     */
    repeat: integer('repeat').notNull().default(0),
    /**
     * notification_groups.key when the receiver's route groups findings (group_by) for this integration: the row is
     * then delivered in one message with the rest of its group, by the flush numbered group_seq (null until the
     * alerter's periodic pass assigns it to a flush).
     */
    groupKey: text('group_key'),
    groupSeq: integer('group_seq'),
    jobId: text('job_id').notNull().unique(),
    /** pending until an attempt succeeds (sent), fails for good (failed), or the notification became moot (dropped). */
    status: text('status').$type<NotificationStatus>().notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    sentAt: timestamptz('sent_at'),
  },
  (t) => [
    oneOf('notifications_kind_check', t.kind, notificationKinds),
    oneOf('notifications_status_check', t.status, notificationStatuses),
    oneOf('notifications_integration_check', t.integration, notificationIntegrations),
    // A finding's notifications per receiver in transition order: delivery ordering and "was it paged" lookups.
    index('notifications_finding_idx').on(t.findingId, t.receiver, t.transitionSeq),
    // The outbox sweep reads only notifications no attempt has started on (claimDelivery sets attempts first).
    index('notifications_outbox_idx')
      .on(t.createdAt)
      .where(sql`${t.status} = 'pending' and ${t.attempts} = 0`),
    // A group's members by flush; the group pass reads the ones not yet assigned to a flush (group_seq null).
    index('notifications_group_idx')
      .on(t.groupKey, t.groupSeq)
      .where(sql`${t.groupKey} is not null`),
  ],
);

export type Notification = typeof notifications.$inferSelect;
export type NewNotification = typeof notifications.$inferInsert;
