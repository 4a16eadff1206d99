/**
 * Why a job attempt failed, and whether another attempt can succeed (STYLE §6). Handlers throw these; both adapters
 * read `retry` (and `retryAfterMs`) the same way. Anything else a handler throws is treated as retryable.
 */
export abstract class JobError extends Error {
  abstract readonly retry: boolean;
  /** Structured facts for logs and records (a status code, a host); never secrets. */
  readonly context: Record<string, unknown>;

  constructor(message: string, opts: { cause?: unknown; context?: Record<string, unknown> } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.context = opts.context ?? {};
  }
}

/** A transient failure: retried with the job's backoff (exponential with jitter). */
export class RetryableError extends JobError {
  override readonly name: string = 'RetryableError';
  readonly retry = true;
}

/** The next attempt must not start before `retryAfterMs` (an HTTP 429 / 503 with Retry-After). */
export class RetryAfterError extends RetryableError {
  override readonly name: string = 'RetryAfterError';

  constructor(
    readonly retryAfterMs: number,
    message = `retry after ${retryAfterMs} ms`,
    opts: { cause?: unknown; context?: Record<string, unknown> } = {},
  ) {
    super(message, opts);
  }
}

/** Another attempt cannot succeed (a 4xx, a bad payload): the job fails now (BullMQ's UnrecoverableError). */
export class UnrecoverableJobError extends JobError {
  override readonly name: string = 'UnrecoverableJobError';
  readonly retry = false;
}

/** A payload that does not match the job catalog's schema; thrown by `enqueue`, so the caller sees it at once. */
export class JobPayloadError extends UnrecoverableJobError {
  override readonly name: string = 'JobPayloadError';

  constructor(
    readonly job: string,
    readonly issues: string[],
  ) {
    super(`invalid payload for job "${job}": ${issues.join('; ')}`, { context: { job } });
  }
}

/** False only for errors that say so (`retry: false`, any error class following STYLE §6). */
export function isRetryable(err: unknown): boolean {
  return !(typeof err === 'object' && err !== null && 'retry' in err && err.retry === false);
}

/** The minimum delay an error asks for before the next attempt, if it asks for one. */
export function retryAfterMsOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('retryAfterMs' in err)) return undefined;
  const ms = err.retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) ? Math.max(0, ms) : undefined;
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
