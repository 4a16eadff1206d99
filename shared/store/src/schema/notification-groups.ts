import { integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, oneOf, timestamptz } from './columns';
import { notificationIntegrations, type NotificationIntegration } from './enums';

/**
 * An Alertmanager-style aggregation group: the findings one route sends to one integration of one receiver whose
 * group_by labels agree. Its notifications (rows with this group_key) go out together, one message per flush; the
 * row is the lock that keeps two alerter replicas from flushing a group twice, and remembers when the last flush was
 * (group_interval counts from it).
 */
export const notificationGroups = pgTable(
  'notification_groups',
  {
    /** A hash of receiver, integration, index, route and label values; part of the flush jobs' ids. */
    key: text('key').primaryKey(),
    receiver: text('receiver').notNull(),
    integration: text('integration').$type<NotificationIntegration>().notNull(),
    integrationIndex: integer('integration_index').notNull(),
    /** The route's place in the config (`route.routes[0]`): where its group_wait and group_interval are read. */
    route: text('route').notNull(),
    /** The group_by label values the group's findings share. */
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    /** Flushes made so far; the next is last_seq + 1. */
    lastSeq: integer('last_seq').notNull().default(0),
    lastFlushedAt: timestamptz('last_flushed_at'),
    createdAt: createdAt(),
  },
  (t) => [oneOf('notification_groups_integration_check', t.integration, notificationIntegrations)],
);

export type NotificationGroup = typeof notificationGroups.$inferSelect;
export type NewNotificationGroup = typeof notificationGroups.$inferInsert;
