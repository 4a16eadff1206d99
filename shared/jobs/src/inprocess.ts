import { retryDelayMs } from './backoff';
import {
  jobCatalog,
  type JobCatalog,
  type JobData,
  type JobInput,
  type JobName,
  type ZtvJobCatalog,
} from './catalog';
import { errorMessage, isRetryable, UnrecoverableJobError } from './errors';
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
import { assertCatalog, assertEnqueueOptions, definitionOf, issuesOf, parsePayload } from './validate';

export interface InProcessJobQueueOptions<C extends JobCatalog> {
  catalog?: C;
  logger?: JobLogger;
  /** How long a finished job's id keeps deduplicating (default 7 days, as the BullMQ adapter). */
  retentionMs?: number;
  /** At most this many finished ids are remembered (memory bound for a long-running embedded process). */
  maxRetained?: number;
}

type State = 'delayed' | 'waiting' | 'active' | 'finished';
interface Entry {
  id: string;
  job: string;
  data: unknown;
  attemptsMade: number;
  state: State;
  timer?: NodeJS.Timeout;
}
interface Slot {
  job: string;
  handler: JobHandler<unknown>;
  concurrency: number;
  running: Set<Promise<void>>;
  closed: boolean;
}

/**
 * Embedded-mode JobQueue: in memory, same semantics as the BullMQ adapter (dedup by job id, attempts, exponential
 * backoff with jitter on timers, RetryAfter, unrecoverable errors, concurrency, draining close). Jobs do not survive
 * the process; that is the embedded trade-off.
 */
export function createInProcessJobQueue<C extends JobCatalog = ZtvJobCatalog>(
  opts: InProcessJobQueueOptions<C> = {},
): JobQueue<C> {
  return new InProcessJobQueue<C>(opts);
}

class InProcessJobQueue<C extends JobCatalog> implements JobQueue<C> {
  private readonly catalog: JobCatalog;
  private readonly log: JobLogger;
  private readonly retentionMs: number;
  private readonly maxRetained: number;
  private readonly entries = new Map<string, Entry>();
  /** Finished job ids in finishing order (Map keeps insertion order), for pruning. */
  private readonly finished = new Map<string, number>();
  private readonly waiting = new Map<string, Entry[]>();
  private readonly slots = new Set<Slot>();
  private closed = false;

  constructor(opts: InProcessJobQueueOptions<C>) {
    this.catalog = opts.catalog ?? jobCatalog;
    assertCatalog(this.catalog);
    this.log = opts.logger ?? consoleJobLogger;
    this.retentionMs = opts.retentionMs ?? 7 * 24 * 3600_000;
    this.maxRetained = opts.maxRetained ?? 100_000;
  }

  async enqueue<J extends JobName<C>>(job: J, payload: JobInput<C, J>, opts: EnqueueOptions): Promise<void> {
    if (this.closed) throw new Error('job queue is closed');
    const def = definitionOf(this.catalog, job);
    assertEnqueueOptions(job, opts);
    const data = parsePayload(def, payload);
    // Ids are per queue (job type), as in BullMQ where every job type has its own queue.
    const key = `${job}\n${opts.jobId}`;
    if (this.entries.has(key)) return;
    const entry: Entry = { id: opts.jobId, job, data, attemptsMade: 0, state: 'waiting' };
    this.entries.set(key, entry);
    if (opts.delayMs) this.schedule(entry, opts.delayMs);
    else this.makeReady(entry);
  }

  async enqueueMany<J extends JobName<C>>(
    job: J,
    items: readonly { payload: JobInput<C, J>; opts: EnqueueOptions }[],
  ): Promise<void> {
    if (this.closed) throw new Error('job queue is closed');
    // Validate everything first, as the BullMQ adapter does: a bad item queues nothing.
    const def = definitionOf(this.catalog, job);
    for (const { payload, opts } of items) {
      assertEnqueueOptions(job, opts);
      parsePayload(def, payload);
    }
    for (const { payload, opts } of items) await this.enqueue(job, payload, opts);
  }

  process<J extends JobName<C>>(job: J, handler: JobHandler<JobData<C, J>>, opts: ProcessOptions): JobWorker {
    if (this.closed) throw new Error('job queue is closed');
    definitionOf(this.catalog, job);
    const slot: Slot = {
      job,
      handler: handler as JobHandler<unknown>,
      concurrency: Math.max(1, opts.concurrency),
      running: new Set(),
      closed: false,
    };
    this.slots.add(slot);
    setImmediate(() => this.pump(job));
    return { close: () => this.closeSlot(slot) };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.slots].map((s) => this.closeSlot(s)));
    for (const e of this.entries.values()) clearTimeout(e.timer);
  }

  private async closeSlot(slot: Slot): Promise<void> {
    slot.closed = true;
    this.slots.delete(slot);
    await Promise.allSettled([...slot.running]);
  }

  private schedule(entry: Entry, delayMs: number): void {
    entry.state = 'delayed';
    this.armUntil(entry, Date.now() + delayMs);
  }

  /**
   * Node's timers run on a monotonic clock rounded to the millisecond, so one can fire a millisecond
   * before Date.now() reaches the due time; a delayed job must never start early, so re-arm for the rest.
   */
  private armUntil(entry: Entry, dueAt: number): void {
    // unref: a pending retry must not keep an otherwise finished process alive.
    entry.timer = setTimeout(() => {
      const left = dueAt - Date.now();
      if (left > 0) this.armUntil(entry, dueAt);
      else this.makeReady(entry);
    }, Math.max(0, dueAt - Date.now())).unref();
  }

  private makeReady(entry: Entry): void {
    entry.timer = undefined;
    entry.state = 'waiting';
    const list = this.waiting.get(entry.job) ?? [];
    list.push(entry);
    this.waiting.set(entry.job, list);
    // Deferred so a handler never runs inside the caller's enqueue().
    setImmediate(() => this.pump(entry.job));
  }

  private pump(job: string): void {
    const list = this.waiting.get(job);
    if (!list?.length) return;
    for (const slot of this.slots) {
      if (slot.job !== job || slot.closed) continue;
      while (slot.running.size < slot.concurrency && list.length) {
        const entry = list.shift()!;
        const run: Promise<void> = this.run(slot, entry).finally(() => {
          slot.running.delete(run);
          this.pump(job);
        });
        slot.running.add(run);
      }
    }
  }

  private async run(slot: Slot, entry: Entry): Promise<void> {
    const def = definitionOf(this.catalog, entry.job);
    entry.state = 'active';
    const attempt = entry.attemptsMade + 1;
    try {
      const parsed = def.schema.safeParse(entry.data);
      if (!parsed.success)
        throw new UnrecoverableJobError(
          `invalid stored payload: ${issuesOf(parsed.error.issues).join('; ')}`,
        );
      await slot.handler(parsed.data, {
        job: entry.job,
        jobId: entry.id,
        attempt,
        maxAttempts: def.attempts,
        traceparent: traceparentOf(entry.data),
      });
      entry.attemptsMade = attempt;
      this.finish(entry);
    } catch (err) {
      entry.attemptsMade = attempt;
      if (isRetryable(err) && attempt < def.attempts) {
        this.schedule(entry, retryDelayMs(def.backoff, attempt, err));
      } else {
        this.log.warn({ job: entry.job, jobId: entry.id, attempt, error: errorMessage(err) }, 'job failed');
        this.finish(entry);
      }
    }
  }

  private finish(entry: Entry): void {
    entry.state = 'finished';
    const now = Date.now();
    const key = `${entry.job}\n${entry.id}`;
    this.finished.set(key, now);
    for (const [k, at] of this.finished) {
      if (now - at <= this.retentionMs && this.finished.size <= this.maxRetained) break;
      this.finished.delete(k);
      this.entries.delete(k);
    }
  }
}
