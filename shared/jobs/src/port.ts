import type { JobCatalog, JobData, JobInput, JobName, ZtvJobCatalog } from './catalog';

export interface EnqueueOptions {
  /**
   * Deterministic id (DESIGN §1), e.g. `notify:<receiver>:<fingerprint>:<kind>:<seq>:<integration>-<i>`. Enqueueing an
   * id the queue already holds (waiting, delayed, running, or finished within the retention window) is a no-op.
   */
  jobId: string;
  /** Do not run before this many milliseconds. */
  delayMs?: number;
}

export interface JobContext {
  job: string;
  jobId: string;
  /** 1-based number of this attempt. */
  attempt: number;
  maxAttempts: number;
  /** From the payload, for continuing the producer's trace. */
  traceparent?: string;
}

/**
 * Resolves when the job is done. Throw RetryableError / RetryAfterError to retry, UnrecoverableJobError (or any error
 * with `retry: false`) to fail at once; any other error is retried.
 */
export type JobHandler<T> = (payload: T, ctx: JobContext) => Promise<void>;

export interface ProcessOptions {
  /** Jobs of this type run at the same time by this worker. */
  concurrency: number;
}

export interface JobWorker {
  /** Stops taking jobs and resolves once the running ones have finished; waiting jobs stay queued. */
  close(): Promise<void>;
}

/** The JobQueue port: BullMQ in production, in-process in embedded mode; one contract suite for both. */
export interface JobQueue<C extends JobCatalog = ZtvJobCatalog> {
  /** Validates `payload` against the catalog (JobPayloadError) and queues it once per `jobId`. */
  enqueue<J extends JobName<C>>(job: J, payload: JobInput<C, J>, opts: EnqueueOptions): Promise<void>;
  /**
   * `enqueue` for many jobs of one type in one round trip (BullMQ's addBulk). Every payload and id is validated first:
   * one bad item throws JobPayloadError and queues nothing. Ids already held are no-ops, as with `enqueue`.
   */
  enqueueMany<J extends JobName<C>>(
    job: J,
    items: readonly { payload: JobInput<C, J>; opts: EnqueueOptions }[],
  ): Promise<void>;
  process<J extends JobName<C>>(job: J, handler: JobHandler<JobData<C, J>>, opts: ProcessOptions): JobWorker;
  /** Closes every worker (draining running jobs), then the queue's connections. */
  close(): Promise<void>;
}

/** Structural subset of a pino logger, so @ztv/jobs does not depend on @ztv/telemetry. */
export interface JobLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export const consoleJobLogger: JobLogger = {
  error: (obj, msg) => console.error(msg, obj),
  warn: () => {},
};
