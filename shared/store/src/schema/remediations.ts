import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, oneOf, prefixedId, timestamptz, updatedAt } from './columns';
import { remediationModes, remediationStatuses, type RemediationMode, type RemediationStatus } from './enums';
import { findings } from './findings';

/** One playbook run against one finding, from request to outcome (DESIGN §6). */
export const remediations = pgTable(
  'remediations',
  {
    id: prefixedId('remediation'),
    findingId: text('finding_id')
      .notNull()
      .references(() => findings.id, { onDelete: 'cascade' }),
    playbook: text('playbook').notNull(),
    mode: text('mode').$type<RemediationMode>().notNull(),
    status: text('status').$type<RemediationStatus>().notNull().default('requested'),
    /** What server-side apply would change (dry-run output). */
    diff: jsonb('diff').$type<unknown>(),
    /** The objects the playbook intends to apply. */
    plan: jsonb('plan').$type<unknown>(),
    result: jsonb('result').$type<unknown>(),
    error: text('error'),
    requestedBy: text('requested_by').notNull(),
    approvedBy: text('approved_by'),
    jobId: text('job_id').unique(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** An 'awaiting_approval' plan becomes 'expired' after this. */
    expiresAt: timestamptz('expires_at'),
  },
  (t) => [
    oneOf('remediations_mode_check', t.mode, remediationModes),
    oneOf('remediations_status_check', t.status, remediationStatuses),
    index('remediations_finding_idx').on(t.findingId),
    index('remediations_status_idx').on(t.status),
  ],
);

export type Remediation = typeof remediations.$inferSelect;
export type NewRemediation = typeof remediations.$inferInsert;
