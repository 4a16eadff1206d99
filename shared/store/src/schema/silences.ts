import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, prefixedId, timestamptz } from './columns';

/** An Alertmanager-style matcher: `{ name: 'severity', value: 'low', op: '=' }`. */
export interface SilenceMatcher {
  name: string;
  value: string;
  op: '=' | '!=' | '=~' | '!~';
}

/** Mutes notifications (not findings) that match every matcher between starts_at and ends_at. */
export const silences = pgTable(
  'silences',
  {
    id: prefixedId('silence'),
    matchers: jsonb('matchers').$type<SilenceMatcher[]>().notNull(),
    startsAt: timestamptz('starts_at').notNull(),
    endsAt: timestamptz('ends_at').notNull(),
    createdBy: text('created_by').notNull(),
    comment: text('comment').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('silences_ends_at_idx').on(t.endsAt)],
);

export type Silence = typeof silences.$inferSelect;
export type NewSilence = typeof silences.$inferInsert;
