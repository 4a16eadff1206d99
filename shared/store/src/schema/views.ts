import { bigint, doublePrecision, integer, jsonb, pgView, text, date } from 'drizzle-orm/pg-core';
import type { Subject } from '@ztv/events';
import { timestamptz } from './columns';
import type { FindingEventKind, FindingStatus, Severity } from './enums';

// The read-only views for people (DESIGN §5). Their SQL lives in a custom migration (migrations/*_reader_views.sql)
// because drizzle-kit cannot express percentiles and generate_series; these declarations only give TypeScript
// callers typed reads, and `.existing()` keeps drizzle-kit from generating or dropping them.

/** Findings that are open or acknowledged. */
export const openFindings = pgView('open_findings', {
  id: text('id').notNull(),
  fingerprint: text('fingerprint').notNull(),
  ruleId: text('rule_id').notNull(),
  severity: text('severity').$type<Severity>().notNull(),
  area: text('area').notNull(),
  cluster: text('cluster').notNull(),
  namespace: text('namespace'),
  subject: jsonb('subject').$type<Subject>().notNull(),
  title: text('title').notNull(),
  message: text('message').notNull(),
  status: text('status').$type<FindingStatus>().notNull(),
  firstSeenAt: timestamptz('first_seen_at').notNull(),
  lastSeenAt: timestamptz('last_seen_at').notNull(),
  acknowledgedAt: timestamptz('acknowledged_at'),
  occurrences: integer('occurrences').notNull(),
  reopenCount: integer('reopen_count').notNull(),
  ageSeconds: doublePrecision('age_seconds').notNull(),
}).existing();

/** finding_events joined with the finding they belong to. */
export const findingTimeline = pgView('finding_timeline', {
  eventId: bigint('event_id', { mode: 'number' }).notNull(),
  at: timestamptz('at').notNull(),
  kind: text('kind').$type<FindingEventKind>().notNull(),
  actor: text('actor'),
  signalId: text('signal_id'),
  data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  findingId: text('finding_id').notNull(),
  fingerprint: text('fingerprint').notNull(),
  ruleId: text('rule_id').notNull(),
  severity: text('severity').$type<Severity>().notNull(),
  cluster: text('cluster').notNull(),
  namespace: text('namespace'),
  title: text('title').notNull(),
  findingStatus: text('finding_status').$type<FindingStatus>().notNull(),
}).existing();

/** Time to resolve, per rule, over every open → resolved episode (a reopened finding counts once per episode). */
export const mttrByRule = pgView('mttr_by_rule', {
  ruleId: text('rule_id').notNull(),
  resolved: integer('resolved').notNull(),
  avgSeconds: doublePrecision('avg_seconds').notNull(),
  medianSeconds: doublePrecision('median_seconds').notNull(),
  p90Seconds: doublePrecision('p90_seconds').notNull(),
}).existing();

/** Per UTC day and severity: findings opened (or reopened), resolved, and open at the end of the day. */
export const postureDaily = pgView('posture_daily', {
  day: date('day', { mode: 'string' }).notNull(),
  severity: text('severity').$type<Severity>().notNull(),
  opened: integer('opened').notNull(),
  resolved: integer('resolved').notNull(),
  openAtEnd: integer('open_at_end').notNull(),
}).existing();
