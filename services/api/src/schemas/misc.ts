import { z } from 'zod';
import { remediationStatuses } from '@ztv/store';
import { isoTime, listParam, roleSchema, severitySchema } from './common';
import { remediationSchema } from './findings';

export const remediationRequestBody = z.object({
  playbook: z.string().min(1).max(100).optional().describe("defaults to the rule's playbook"),
  mode: z.enum(['dry-run', 'approve']).default('approve').describe("'dry-run' only records the diff; 'approve' records it and waits for an admin"),
});
export const remediationListQuery = z.object({
  status: listParam(z.enum(remediationStatuses)).optional(),
  findingId: z.string().min(1).max(64).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const rejectBody = z.object({ reason: z.string().trim().min(1).max(2000).optional() });
export const remediationListSchema = z.object({ items: z.array(remediationSchema) });

export const ruleSchema = z.object({
  id: z.string(),
  title: z.string(),
  severity: severitySchema,
  area: z.string(),
  kind: z.enum(['state', 'event']),
  rationale: z.string(),
  resolvesWhen: z.string(),
  remediation: z.object({ playbook: z.string().optional(), manual: z.string() }),
  references: z.array(z.string()),
  tags: z.array(z.string()),
  openFindings: z.number().int().describe('open or acknowledged findings of this rule'),
});
export const ruleListSchema = z.object({ items: z.array(ruleSchema), playbooks: z.array(z.string()) });

export const postureQuery = z.object({ days: z.coerce.number().int().min(1).max(366).default(30) });
export const postureSchema = z.object({
  generatedAt: isoTime,
  open: z.object({
    total: z.number().int(),
    bySeverity: z.record(z.string(), z.number().int()),
    byArea: z.record(z.string(), z.number().int()),
  }),
  byStatus: z.record(z.string(), z.number().int()),
  trend: z.array(z.object({ day: z.string(), opened: z.number().int(), resolved: z.number().int(), openAtEnd: z.number().int() })).describe('per UTC day, from posture_daily'),
  mttr: z.array(z.object({ ruleId: z.string(), resolved: z.number().int(), avgSeconds: z.number(), medianSeconds: z.number(), p90Seconds: z.number() })),
});

export const queryBody = z.object({ sql: z.string().min(1).max(100_000).describe('one SELECT / WITH / VALUES / TABLE / EXPLAIN statement') });
export const queryResultSchema = z.object({
  columns: z.array(z.object({ name: z.string(), type: z.string() })),
  rows: z.array(z.array(z.unknown())),
  rowCount: z.number().int(),
  truncated: z.boolean().describe('more rows matched than the row limit'),
  rowLimit: z.number().int(),
  elapsedMs: z.number(),
});

export const tokenInfoSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  createdAt: isoTime,
  lastUsedAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
});
export const tokenCreateBody = z.object({
  name: z.string().trim().min(1).max(100).regex(/^[\w.@:-]+( [\w.@:-]+)*$/, 'letters, digits and . _ - @ : (single spaces between words)'),
  role: roleSchema,
});
export const tokenCreatedSchema = z.object({ token: z.string().describe('shown once; store it now'), info: tokenInfoSchema });
export const tokenListSchema = z.object({ items: z.array(tokenInfoSchema) });
export const meSchema = z.object({ tokenId: z.string(), name: z.string(), role: roleSchema });
