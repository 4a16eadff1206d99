import { z } from 'zod';
import { findingEventKinds, notificationKinds, notificationStatuses, remediationModes, remediationStatuses } from '@ztv/store';
import { findingStatusSchema, isoTime, listParam, severitySchema } from './common';

export const subjectSchema = z.record(z.string(), z.unknown()).describe('the thing a person would fix (DESIGN §4)');

export const findingSchema = z.object({
  id: z.string(),
  fingerprint: z.string(),
  ruleId: z.string(),
  severity: severitySchema,
  area: z.string(),
  cluster: z.string(),
  namespace: z.string().nullable(),
  subject: subjectSchema,
  title: z.string(),
  message: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  status: findingStatusSchema,
  suppressedBy: z.string().nullable(),
  firstSeenAt: isoTime,
  lastSeenAt: isoTime,
  resolvedAt: isoTime.nullable(),
  acknowledgedAt: isoTime.nullable(),
  occurrences: z.number().int(),
  reopenCount: z.number().int(),
  flapCount: z.number().int(),
  quietPeriodSeconds: z.number().int().nullable(),
  lastSignalId: z.string().nullable(),
  updatedAt: isoTime,
});

export const findingEventSchema = z.object({
  id: z.number().int(),
  findingId: z.string(),
  signalId: z.string().nullable(),
  kind: z.enum(findingEventKinds),
  actor: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  at: isoTime,
});

export const notificationSchema = z
  .object({
    id: z.string(),
    findingId: z.string(),
    receiver: z.string(),
    kind: z.enum(notificationKinds),
    status: z.enum(notificationStatuses),
    attempts: z.number().int(),
    lastStatusCode: z.number().int().nullable(),
    lastError: z.string().nullable(),
    createdAt: isoTime,
    sentAt: isoTime.nullable(),
  })
  .loose();

export const remediationSchema = z.object({
  id: z.string(),
  findingId: z.string(),
  playbook: z.string(),
  mode: z.enum(remediationModes),
  status: z.enum(remediationStatuses),
  diff: z.unknown().describe('what server-side apply would change (recorded by the remediator\'s dry run)'),
  plan: z.unknown(),
  result: z.unknown(),
  error: z.string().nullable(),
  requestedBy: z.string(),
  approvedBy: z.string().nullable(),
  jobId: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  expiresAt: isoTime.nullable(),
});

export const findingListQuery = z.object({
  status: listParam(findingStatusSchema).optional().describe('one or more statuses (comma-separated or repeated)'),
  severity: listParam(severitySchema).optional(),
  rule: listParam(z.string().min(1).max(100)).optional().describe('rule ids'),
  area: listParam(z.string().min(1).max(100)).optional(),
  cluster: z.string().min(1).max(253).optional(),
  namespace: z.string().min(1).max(253).optional().describe('a namespace; "-" for cluster-scoped findings'),
  since: isoTime.optional().describe('only findings last seen at or after this time'),
  until: isoTime.optional().describe('only findings last seen before this time'),
  sort: z.enum(['lastSeen', 'firstSeen']).default('lastSeen'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional().describe('nextCursor of the previous page'),
});

export const findingPageSchema = z.object({
  items: z.array(findingSchema),
  nextCursor: z.string().nullable().describe('pass as ?cursor= for the next page; null on the last page'),
});

export const findingDetailSchema = z.object({
  finding: findingSchema,
  history: z.array(findingEventSchema).describe('oldest first'),
  notifications: z.array(notificationSchema),
  remediations: z.array(remediationSchema),
});

export const findingActionBody = z.object({
  reason: z.string().trim().min(1).max(2000).optional().describe('why; required to resolve or suppress'),
});

export const findingActionResult = z.object({
  changed: z.boolean().describe('false when the finding already had that status (no history row is written)'),
  finding: findingSchema,
  event: findingEventSchema.nullable(),
});
