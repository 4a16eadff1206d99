import { Queue, UnrecoverableError, Worker, type Job } from 'bullmq';
import { retryDelayMs } from './backoff';
import {
  jobCatalog,
  type JobCatalog,
  type JobData,
  type JobDefinition,
  type JobInput,
  type JobName,
  type ZtvJobCatalog,
} from './catalog';
import { errorMessage, isRetryable, RetryableError } from './errors';
import {
  consoleJobLogger,
  type EnqueueOptions,
  type JobHandler,
  type JobLogger,
  type JobQueue,
  type JobWorker,
  type ProcessOptions,
} from './port';
import { traceparentOf } from './trace';
import { assertCatalog, assertEnqueueOptions, definitionOf, issuesOf, validatePayload } from './validate';

export interface BullMqJobQueueOptions<C extends JobCatalog> {
  redisUrl: string;
  /**
   * Redis key prefix (config ZTV_QUEUE_PREFIX); one queue per job type lives under it, so tests isolate themselves
   * with a random prefix. On Redis Cluster use a hash tag, e.g. `{ztv}`.
   */
  prefix: string;
  catalog?: C;
  logger?: JobLogger;
  /** How long finished jobs (and so their ids, for dedup) are kept: default 7 days completed, 30 days failed. */
  keepCompletedSeconds?: number;
  keepFailedSeconds?: number;
}

/** Name of the custom backoff strategy every job carries; the worker's `settings.backoffStrategy` implements it. */
const backoffType = 'ztv';

/**
 * BullMQ refuses custom ids containing ':' (its own repeat-job ids use it), and ztv's ids are ':'-separated. Escape
 * '%' and ':' so the mapping is one-to-one.
 */
export function toBullJobId(id: string): string {
  return id.replace(/%/g, '%25').replace(/:/g, '%3A');
}
export function fromBullJobId(id: string): string {
  return id.replace(/%(25|3A)/g, (_m, code: string) => (code === '25' ? '%' : ':'));
}

/**
 * Production JobQueue on BullMQ 5. Follows its going-to-production guide: workers connect with
 * `maxRetriesPerRequest: null` (wait out a Redis restart instead of failing), producers with `enableOfflineQueue: false`
 * (enqueue fails fast, so the alerter does not commit offsets for work it could not queue), an 'error' listener on
 * every queue and worker, and `close()` for shutdown. Redis must run with `maxmemory-policy noeviction`.
 */
export function createBullMqJobQueue<C extends JobCatalog = ZtvJobCatalog>(
  opts: BullMqJobQueueOptions<C>,
): JobQueue<C> {
  return new BullMqJobQueue<C>(opts);
}

class BullMqJobQueue<C extends JobCatalog> implements JobQueue<C> {
  private readonly catalog: JobCatalog;
  private readonly log: JobLogger;
  private readonly queues = new Map<string, Queue>();
  private readonly workers = new Set<Worker>();
  private closed = false;

  constructor(private readonly opts: BullMqJobQueueOptions<C>) {
    this.catalog = opts.catalog ?? jobCatalog;
    assertCatalog(this.catalog);
    this.log = opts.logger ?? consoleJobLogger;
  }

  async enqueue<J extends JobName<C>>(job: J, payload: JobInput<C, J>, opts: EnqueueOptions): Promise<void> {
    if (this.closed) throw new Error('job queue is closed');
    const def = definitionOf(this.catalog, job);
    assertEnqueueOptions(job, opts);
    const data = validatePayload(def, payload);
    // An existing id makes add() a no-op (BullMQ dedup), as long as the finished job is still retained.
    await this.queue(job).add(job, data, this.jobOptions(def, opts));
  }

  async enqueueMany<J extends JobName<C>>(
    job: J,
    items: readonly { payload: JobInput<C, J>; opts: EnqueueOptions }[],
  ): Promise<void> {
    if (this.closed) throw new Error('job queue is closed');
    const def = definitionOf(this.catalog, job);
    const jobs = items.map(({ payload, opts }) => {
      assertEnqueueOptions(job, opts);
      return { name: job, data: validatePayload(def, payload), opts: this.jobOptions(def, opts) };
    });
    // One MULTI of the same add scripts: the same per-id dedup as add(), a fraction of the round trips and client work.
    if (jobs.length) await this.queue(job).addBulk(jobs);
  }

  private jobOptions(def: JobDefinition, opts: EnqueueOptions) {
    return {
      jobId: toBullJobId(opts.jobId),
      attempts: def.attempts,
      backoff: { type: backoffType, delay: def.backoff.delayMs },
      delay: opts.delayMs,
      removeOnComplete: { age: this.opts.keepCompletedSeconds ?? 7 * 24 * 3600 },
      removeOnFail: { age: this.opts.keepFailedSeconds ?? 30 * 24 * 3600 },
    };
  }

  process<J extends JobName<C>>(job: J, handler: JobHandler<JobData<C, J>>, opts: ProcessOptions): JobWorker {
    if (this.closed) throw new Error('job queue is closed');
    const def = definitionOf(this.catalog, job);
    const worker = new Worker(
      job,
      async (j: Job) => {
        const parsed = def.schema.safeParse(j.data);
        if (!parsed.success)
          throw new UnrecoverableError(`invalid stored payload: ${issuesOf(parsed.error.issues).join('; ')}`);
        const ctx = {
          job,
          jobId: fromBullJobId(j.id ?? ''),
          attempt: j.attemptsMade + 1,
          maxAttempts: j.opts.attempts ?? def.attempts,
          traceparent: traceparentOf(j.data),
        };
        try {
          await handler(parsed.data as JobData<C, J>, ctx);
        } catch (err) {
          // BullMQ ends retries only for its own UnrecoverableError; everything else reaches backoffStrategy below.
          if (!isRetryable(err)) throw new UnrecoverableError(errorMessage(err));
          throw err instanceof Error ? err : new RetryableError(String(err));
        }
      },
      {
        connection: { url: this.opts.redisUrl, maxRetriesPerRequest: null },
        prefix: this.opts.prefix,
        concurrency: Math.max(1, opts.concurrency),
        // Receives the error the handler threw, so RetryAfterError sets the delay and the rest back off exponentially.
        settings: {
          backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) =>
            retryDelayMs(def.backoff, attemptsMade, err),
        },
      },
    );
    worker.on('error', (err) => this.log.error({ job, err }, 'job worker error'));
    worker.on('failed', (j, err) => {
      // finishedOn is set only when no retry follows.
      if (j?.finishedOn)
        this.log.warn(
          { job, jobId: fromBullJobId(j.id ?? ''), attempt: j.attemptsMade, error: err.message },
          'job failed',
        );
    });
    this.workers.add(worker);
    return {
      close: async () => {
        this.workers.delete(worker);
        await worker.close();
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.workers].map((w) => w.close()));
    this.workers.clear();
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    this.queues.clear();
  }

  private queue(job: string): Queue {
    let q = this.queues.get(job);
    if (!q) {
      q = new Queue(job, {
        connection: { url: this.opts.redisUrl, enableOfflineQueue: false },
        prefix: this.opts.prefix,
      });
      q.on('error', (err) => this.log.error({ job, err }, 'job queue error'));
      this.queues.set(job, q);
    }
    return q;
  }
}
