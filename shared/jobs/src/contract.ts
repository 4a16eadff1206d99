import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { JobCatalog } from './catalog';
import { JobPayloadError, RetryableError, RetryAfterError, UnrecoverableJobError } from './errors';
import type { JobContext, JobQueue } from './port';
import { traceparent } from './trace';

/** Small delays keep the suite fast on both adapters; attempt n backs off 40·2^(n-1) ms minus up to half. */
export const contractCatalog = {
  'test.work': {
    job: 'test.work',
    schema: z.object({
      n: z.number().int(),
      label: z.string().default('none'),
      traceparent: traceparent.optional(),
    }),
    attempts: 4,
    backoff: { delayMs: 40, maxDelayMs: 200, jitter: 0.5 },
  },
  'test.other': {
    job: 'test.other',
    schema: z.object({ n: z.number().int() }),
    attempts: 1,
    backoff: { delayMs: 40, maxDelayMs: 40, jitter: 0 },
  },
} as const satisfies JobCatalog;
export type ContractCatalog = typeof contractCatalog;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const waitFor = (check: () => void, timeout = 10_000) => vi.waitFor(check, { timeout, interval: 10 });
/** Long enough that a retry the adapter should not make would have happened (backoffs here are ≤ 200 ms). */
const quietMs = 400;

interface Run {
  n: number;
  ctx: JobContext;
  startedAt: number;
}

/** One behaviour, two adapters: run by inprocess.test.ts (unit) and bullmq.int.test.ts (real Redis). */
export function jobQueueContract(
  name: string,
  make: () => JobQueue<ContractCatalog> | Promise<JobQueue<ContractCatalog>>,
): void {
  describe(`JobQueue contract: ${name}`, () => {
    let queue: JobQueue<ContractCatalog>;
    let runs: Run[];
    const record = (n: number, ctx: JobContext) => runs.push({ n, ctx, startedAt: Date.now() });

    beforeEach(async () => {
      runs = [];
      queue = await make();
    });
    afterEach(async () => {
      await queue.close();
    });

    it('rejects a bad payload, an unknown job and a missing or numeric job id with a clear error', async () => {
      const bad = queue.enqueue('test.work', { n: 'one' } as never, { jobId: 'w:1' });
      await expect(bad).rejects.toBeInstanceOf(JobPayloadError);
      await expect(bad).rejects.toThrow(/invalid payload for job "test\.work": n: .*number/);
      await expect(queue.enqueue('test.nope' as never, { n: 1 } as never, { jobId: 'w:2' })).rejects.toThrow(
        /unknown job.*test\.work/,
      );
      await expect(queue.enqueue('test.work', { n: 1 }, {} as never)).rejects.toThrow(/jobId/);
      await expect(queue.enqueue('test.work', { n: 1 }, { jobId: '42' })).rejects.toThrow(/jobId/);
    });

    it('enqueues many at once, with the same per-id dedup, and queues nothing when one item is bad', async () => {
      await queue.enqueue('test.work', { n: 0 }, { jobId: 'many:0' });
      await expect(
        queue.enqueueMany('test.work', [
          { payload: { n: 9 }, opts: { jobId: 'many:9' } },
          { payload: { n: 'bad' } as never, opts: { jobId: 'many:bad' } },
        ]),
      ).rejects.toBeInstanceOf(JobPayloadError);
      await queue.enqueueMany('test.work', [
        { payload: { n: 1 }, opts: { jobId: 'many:0' } },
        { payload: { n: 2 }, opts: { jobId: 'many:2' } },
        { payload: { n: 3 }, opts: { jobId: 'many:3', delayMs: 50 } },
        { payload: { n: 4 }, opts: { jobId: 'many:2' } },
      ]);
      await queue.enqueueMany('test.work', []);
      queue.process('test.work', async (p, ctx) => void record(p.n, ctx), { concurrency: 2 });
      await waitFor(() => expect(runs).toHaveLength(3));
      await sleep(quietMs);
      expect(runs.map((r) => `${r.n}@${r.ctx.jobId}`).sort()).toEqual(['0@many:0', '2@many:2', '3@many:3']);
    });

    it('runs a job once per job id: duplicates while queued and after completion are no-ops', async () => {
      await Promise.all([
        queue.enqueue('test.work', { n: 1 }, { jobId: 'dup:a:1' }),
        queue.enqueue('test.work', { n: 2 }, { jobId: 'dup:a:1' }),
      ]);
      queue.process('test.work', async (p, ctx) => void record(p.n, ctx), { concurrency: 2 });
      await waitFor(() => expect(runs).toHaveLength(1));
      await queue.enqueue('test.work', { n: 3 }, { jobId: 'dup:a:1' });
      await queue.enqueue('test.work', { n: 4 }, { jobId: 'dup:a:2' });
      await waitFor(() => expect(runs).toHaveLength(2));
      await sleep(quietMs);
      expect(runs.map((r) => [r.n, r.ctx.jobId])).toEqual([
        [1, 'dup:a:1'],
        [4, 'dup:a:2'],
      ]);
    });

    it('keeps job ids per job type', async () => {
      queue.process('test.work', async (p, ctx) => void record(p.n, ctx), { concurrency: 1 });
      queue.process('test.other', async (p, ctx) => void record(p.n, ctx), { concurrency: 1 });
      await queue.enqueue('test.work', { n: 1 }, { jobId: 'same:1' });
      await queue.enqueue('test.other', { n: 2 }, { jobId: 'same:1' });
      await waitFor(() => expect(runs.map((r) => r.ctx.job).sort()).toEqual(['test.other', 'test.work']));
    });

    it('hands the handler the validated payload with defaults, the attempt and the trace context', async () => {
      const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      let got: unknown;
      queue.process('test.work', async (p, ctx) => void ((got = p), record(p.n, ctx)), { concurrency: 1 });
      await queue.enqueue('test.work', { n: 7, traceparent: tp }, { jobId: 'ctx:1' });
      await waitFor(() => expect(runs).toHaveLength(1));
      expect(got).toEqual({ n: 7, label: 'none', traceparent: tp });
      expect(runs[0]!.ctx).toEqual({
        job: 'test.work',
        jobId: 'ctx:1',
        attempt: 1,
        maxAttempts: 4,
        traceparent: tp,
      });
    });

    it('retries retryable (and unknown) errors with exponential backoff until success', async () => {
      queue.process(
        'test.work',
        async (p, ctx) => {
          record(p.n, ctx);
          if (ctx.attempt === 1) throw new Error('boom'); // not a JobError: retried
          if (ctx.attempt === 2) throw new RetryableError('flaky');
        },
        { concurrency: 1 },
      );
      await queue.enqueue('test.work', { n: 1 }, { jobId: 'retry:1' });
      await waitFor(() => expect(runs).toHaveLength(3));
      await sleep(quietMs);
      expect(runs.map((r) => r.ctx.attempt)).toEqual([1, 2, 3]);
      // Lower bounds with full jitter taken off: 40·2^0·0.5 and 40·2^1·0.5.
      expect(runs[1]!.startedAt - runs[0]!.startedAt).toBeGreaterThanOrEqual(20);
      expect(runs[2]!.startedAt - runs[1]!.startedAt).toBeGreaterThanOrEqual(40);
    });

    it('gives up after the catalog’s attempts', async () => {
      queue.process(
        'test.work',
        async (p, ctx) => (record(p.n, ctx), Promise.reject(new RetryableError('down'))),
        { concurrency: 1 },
      );
      await queue.enqueue('test.work', { n: 1 }, { jobId: 'exhaust:1' });
      await waitFor(() => expect(runs).toHaveLength(4));
      await sleep(quietMs);
      expect(runs.map((r) => r.ctx.attempt)).toEqual([1, 2, 3, 4]);
    });

    it('does not retry an unrecoverable error (the class, or any error with retry: false)', async () => {
      queue.process(
        'test.work',
        async (p, ctx) => {
          record(p.n, ctx);
          if (p.n === 1) throw new UnrecoverableJobError('400 bad request');
          throw Object.assign(new Error('refused'), { retry: false });
        },
        { concurrency: 2 },
      );
      await queue.enqueue('test.work', { n: 1 }, { jobId: 'unrec:1' });
      await queue.enqueue('test.work', { n: 2 }, { jobId: 'unrec:2' });
      await waitFor(() => expect(runs).toHaveLength(2));
      await sleep(quietMs);
      expect(runs.map((r) => r.ctx.attempt)).toEqual([1, 1]);
    });

    it('honours RetryAfterError: the next attempt does not start before the delay', async () => {
      let failedAt = 0;
      queue.process(
        'test.work',
        async (p, ctx) => {
          record(p.n, ctx);
          if (ctx.attempt === 1) {
            failedAt = Date.now();
            throw new RetryAfterError(300);
          }
        },
        { concurrency: 1 },
      );
      await queue.enqueue('test.work', { n: 1 }, { jobId: 'after:1' });
      await waitFor(() => expect(runs).toHaveLength(2));
      expect(runs[1]!.startedAt - failedAt).toBeGreaterThanOrEqual(300);
      expect(runs[1]!.ctx.attempt).toBe(2);
    });

    it('does not start a delayed job early', async () => {
      queue.process('test.work', async (p, ctx) => void record(p.n, ctx), { concurrency: 1 });
      const at = Date.now();
      await queue.enqueue('test.work', { n: 1 }, { jobId: 'delay:1', delayMs: 250 });
      await waitFor(() => expect(runs).toHaveLength(1));
      expect(runs[0]!.startedAt - at).toBeGreaterThanOrEqual(250);
    });

    it('runs at most `concurrency` jobs at a time', async () => {
      let inFlight = 0;
      let peak = 0;
      queue.process(
        'test.work',
        async (p, ctx) => {
          record(p.n, ctx);
          peak = Math.max(peak, ++inFlight);
          await sleep(120);
          inFlight--;
        },
        { concurrency: 3 },
      );
      await Promise.all(
        [1, 2, 3, 4, 5, 6, 7].map((n) => queue.enqueue('test.work', { n }, { jobId: `conc:${n}` })),
      );
      await waitFor(() => expect(runs).toHaveLength(7));
      await waitFor(() => expect(inFlight).toBe(0));
      expect(peak).toBe(3);
    });

    it('close() waits for running jobs; jobs not started stay queued for the next worker', async () => {
      let running = 0;
      const handler = async (p: { n: number }, ctx: JobContext) => {
        record(p.n, ctx);
        running++;
        await sleep(150);
        running--;
      };
      const first = queue.process('test.work', handler, { concurrency: 1 });
      await Promise.all([1, 2, 3].map((n) => queue.enqueue('test.work', { n }, { jobId: `drain:${n}` })));
      await waitFor(() => expect(runs.length).toBeGreaterThanOrEqual(1));
      await first.close();
      expect(running).toBe(0);
      const startedBefore = runs.length;
      await sleep(100);
      expect(runs).toHaveLength(startedBefore);
      queue.process('test.work', handler, { concurrency: 3 });
      await waitFor(() => expect(runs.map((r) => r.n).sort()).toEqual([1, 2, 3]));
      await sleep(quietMs);
      expect(runs).toHaveLength(3);
    });
  });
}
