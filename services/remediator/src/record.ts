import { KubeApplyConflictError, KubeError } from '@ztv/kube';
import type { Verification } from './playbooks/types';

/** What remediations.result holds: enough to tell, at any moment, what a run did to the cluster. */
export interface RunRecord {
  target?: string;
  notes?: string[];
  refusals?: string[];
  /** Failed attempts, retried or final. */
  attempts: { attempt: number; phase: Phase; at: string; error: string; retry: boolean }[];
  /** Set when the run claimed its rate-limit slot and started writing (see claimRemediationApply). */
  applyStartedAt?: string;
  /** Every write that reached the API server, in order, recorded as soon as it was answered. */
  applied: {
    object: string;
    type: 'apply' | 'merge-patch';
    action: 'create' | 'update';
    resourceVersion?: string;
    at: string;
  }[];
  /** Actions the dry run showed would change nothing. */
  unchanged: string[];
  /** The write that failed, with the writes before it in `applied`: a partial state is always on record. */
  failedAt?: { object: string; error: string };
  verification?: Verification;
}

export type Phase = 'plan' | 'apply' | 'verify';

export const emptyRecord = (): RunRecord => ({ attempts: [], applied: [], unchanged: [] });

/** The stored record of a row (a fresh one when it has none yet). */
export function recordOf(result: unknown): RunRecord {
  const r = (result ?? {}) as Partial<RunRecord>;
  return {
    ...emptyRecord(),
    ...r,
    attempts: r.attempts ?? [],
    applied: r.applied ?? [],
    unchanged: r.unchanged ?? [],
  };
}

/**
 * A failure as one line for remediations.error and the history: the error class (KubeForbiddenError, ...), the HTTP
 * status, the server's message, and for an apply conflict the fields and their managers.
 */
export function reasonOf(err: unknown): string {
  if (err instanceof KubeApplyConflictError) {
    const fields = err.conflicts.map((c) => `${c.field}: ${c.message}`).join('; ');
    return `${err.name} (409): fields owned by another manager: ${fields || err.message}; ztv does not force-apply`;
  }
  if (err instanceof KubeError)
    return `${err.name}${err.httpStatus ? ` (${err.httpStatus})` : ''}: ${err.message}`;
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
