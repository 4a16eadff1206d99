import { z } from 'zod';
import { traceparent } from '../trace';

export const remediationModes = ['dry-run', 'approve', 'auto'] as const;

/**
 * Run one remediation playbook for one finding (DESIGN §6). Job id convention: `remediation:<remediationId>`, so a
 * replayed request cannot run a playbook twice.
 */
export const remediationRunPayload = z.object({
  remediationId: z.string().min(1),
  findingId: z.string().min(1),
  fingerprint: z.string().min(1),
  playbook: z.string().min(1),
  mode: z.enum(remediationModes),
  /** Principal (user, token name or `ztv:auto`) that asked for it. */
  requestedBy: z.string().min(1),
  traceparent: traceparent.optional(),
});
export type RemediationRunPayload = z.infer<typeof remediationRunPayload>;
