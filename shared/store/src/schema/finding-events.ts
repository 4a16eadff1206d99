import { sql } from 'drizzle-orm';
import { bigserial, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { oneOf, timestamptz } from './columns';
import { findingEventKinds, type FindingEventKind } from './enums';
import { findings } from './findings';

/** Append-only history of a finding: every transition, observation, notification and remediation step. */
export const findingEvents = pgTable(
  'finding_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    findingId: text('finding_id')
      .notNull()
      .references(() => findings.id, { onDelete: 'cascade' }),
    /**
     * The signal that caused this row; the replay guard of DESIGN §1. A plain UNIQUE constraint already means "unique
     * where not null" (NULLs are distinct), so human actions, which have no signal, can share null.
     */
    signalId: text('signal_id').unique(),
    kind: text('kind').$type<FindingEventKind>().notNull(),
    /** Who did it: 'alerter' for signal-driven rows, a user or token name for human actions. */
    actor: text('actor'),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    at: timestamptz('at').notNull().defaultNow(),
  },
  (t) => [
    oneOf('finding_events_kind_check', t.kind, findingEventKinds),
    index('finding_events_finding_at_idx').on(t.findingId, t.at),
    // What people did (acknowledge, resolve, suppress): the alerter notifies on these; the literal matches signalActor.
    index('finding_events_person_idx')
      .on(t.at)
      .where(sql`${t.actor} <> 'alerter'`),
  ],
);

export type FindingEvent = typeof findingEvents.$inferSelect;
export type NewFindingEvent = typeof findingEvents.$inferInsert;
