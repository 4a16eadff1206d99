import { index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, oneOf, prefixedId, timestamptz } from './columns';
import {
  notificationKinds,
  notificationStatuses,
  type NotificationKind,
  type NotificationStatus,
} from './enums';
import { findings } from './findings';

/** One delivery to one receiver; job_id is the deterministic BullMQ job id, so a replay cannot enqueue it twice. */
export const notifications = pgTable(
  'notifications',
  {
    id: prefixedId('notification'),
    findingId: text('finding_id')
      .notNull()
      .references(() => findings.id, { onDelete: 'cascade' }),
    receiver: text('receiver').notNull(),
    kind: text('kind').$type<NotificationKind>().notNull(),
    jobId: text('job_id').notNull().unique(),
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
    index('notifications_finding_idx').on(t.findingId),
  ],
);

export type Notification = typeof notifications.$inferSelect;
export type NewNotification = typeof notifications.$inferInsert;
