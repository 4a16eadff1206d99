import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { Subject } from '@ztv/events';
import { oneOf, prefixedId, timestamptz, updatedAt } from './columns';
import { findingStatuses, severities, type FindingStatus, type Severity } from './enums';

/** One row per finding fingerprint (DESIGN §4): its current state and counters; the history is in finding_events. */
export const findings = pgTable(
  'findings',
  {
    id: prefixedId('finding'),
    fingerprint: text('fingerprint').notNull().unique(),
    ruleId: text('rule_id').notNull(),
    severity: text('severity').$type<Severity>().notNull(),
    area: text('area').notNull(),
    cluster: text('cluster').notNull(),
    /** Null for cluster-scoped subjects (nodes, non-Kubernetes certificate origins). */
    namespace: text('namespace'),
    subject: jsonb('subject').$type<Subject>().notNull(),
    title: text('title').notNull(),
    message: text('message').notNull(),
    evidence: jsonb('evidence').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<FindingStatus>().notNull(),
    /** The rule exception that suppresses this finding, when status = 'suppressed' because of one. */
    suppressedBy: text('suppressed_by'),
    firstSeenAt: timestamptz('first_seen_at').notNull(),
    lastSeenAt: timestamptz('last_seen_at').notNull(),
    resolvedAt: timestamptz('resolved_at'),
    acknowledgedAt: timestamptz('acknowledged_at'),
    /** Firing signals applied, including the first. */
    occurrences: integer('occurrences').notNull().default(1),
    reopenCount: integer('reopen_count').notNull().default(0),
    /** Refires within the flap window after a resolution: the finding went back to open without a new 'reopened'. */
    flapCount: integer('flap_count').notNull().default(0),
    /** Event-based rules only: resolved by resolveQuiet after this much time without a new occurrence. */
    quietPeriodSeconds: integer('quiet_period_seconds'),
    lastSignalId: text('last_signal_id'),
    updatedAt: updatedAt(),
  },
  (t) => [
    oneOf('findings_status_check', t.status, findingStatuses),
    oneOf('findings_severity_check', t.severity, severities),
    index('findings_status_idx').on(t.status),
    index('findings_severity_idx').on(t.severity),
    index('findings_rule_id_idx').on(t.ruleId),
    index('findings_cluster_namespace_idx').on(t.cluster, t.namespace),
    // Keyset pagination orders by (timestamp, id): see findings/list.ts.
    index('findings_last_seen_idx').on(t.lastSeenAt, t.id),
    index('findings_first_seen_idx').on(t.firstSeenAt, t.id),
    // resolveQuiet scans only live event-based findings.
    index('findings_quiet_idx')
      .on(t.lastSeenAt)
      .where(sql`${t.quietPeriodSeconds} is not null and ${t.status} <> 'resolved'`),
  ],
);

export type Finding = typeof findings.$inferSelect;
export type NewFinding = typeof findings.$inferInsert;
