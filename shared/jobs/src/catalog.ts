import type { z } from 'zod';
import type { BackoffPolicy } from './backoff';
import { notifyDeliverPayload, notifyGroupPayload } from './payloads/notify-deliver';
import { remediationRunPayload } from './payloads/remediation-run';

/**
 * A job type as data (STYLE §4): producers and handlers get their payload types from `schema`. Schemas must survive a
 * JSON round trip unchanged (no transforms, no Dates): payloads are validated on enqueue and again when run.
 */
export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  job: string;
  schema: S;
  /** Total attempts, the first included. */
  attempts: number;
  backoff: BackoffPolicy;
}

export type JobCatalog = Record<string, JobDefinition>;

export const jobCatalog = {
  /** Deliver one notification; 4xx other than 429 is final, 429/5xx honour Retry-After (DESIGN §6). */
  'notify.deliver': {
    job: 'notify.deliver',
    schema: notifyDeliverPayload,
    // 21 attempts (2 s, 4 s, … capped at 10 min, jitter taking up to half off): at least an hour of retries even with
    // the most jitter (≈95 min typically), so a receiver that is down for an hour loses nothing (issue 5).
    attempts: 21,
    backoff: { delayMs: 2_000, maxDelayMs: 10 * 60_000, jitter: 0.5 },
  },
  /** Deliver one flush of an aggregation group (group_by) as one message; retried as notify.deliver. */
  'notify.group': {
    job: 'notify.group',
    schema: notifyGroupPayload,
    attempts: 21,
    backoff: { delayMs: 2_000, maxDelayMs: 10 * 60_000, jitter: 0.5 },
  },
  /** Run a remediation playbook (dry-run, approved or automatic). */
  'remediation.run': {
    job: 'remediation.run',
    schema: remediationRunPayload,
    // Few attempts: a playbook that keeps failing needs a person, not a loop against the API server.
    attempts: 3,
    backoff: { delayMs: 5_000, maxDelayMs: 60_000, jitter: 0.5 },
  },
} as const satisfies JobCatalog;

export type ZtvJobCatalog = typeof jobCatalog;
export type JobName<C extends JobCatalog = ZtvJobCatalog> = keyof C & string;
/** What a producer passes to `enqueue` (before schema defaults). */
export type JobInput<C extends JobCatalog, J extends JobName<C>> = z.input<C[J]['schema']>;
/** What a handler receives (validated). */
export type JobData<C extends JobCatalog, J extends JobName<C>> = z.output<C[J]['schema']>;
