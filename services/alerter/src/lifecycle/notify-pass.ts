import type { JobQueue } from '@ztv/jobs';
import { flushGroup, insertNotifications, pendingGroups, repeatCandidates, type Database } from '@ztv/store';
import type { RoutingConfig } from '../notify/index';
import { groupDueAt, groupFlushJob } from './groups';
import type { QueuedNotification } from './plan';
import { planRepeats, shortestRepeatIntervalMs } from './repeat';

export interface NotifyPassOptions {
  db: Database;
  jobs: JobQueue;
  routing: RoutingConfig;
  now: Date;
  /** Queues per-finding jobs (the pipeline's enqueue: one refused payload does not block the rest). */
  enqueue: (jobs: readonly QueuedNotification[]) => Promise<void>;
  traceparent?: string;
  /** Per pass (default 1,000 repeats, 500 groups): a backlog is worked off over several passes. */
  limit?: number;
  /** Logs notifications that cannot be built. */
  onInvalid?: (bad: { jobId: string; reason: string }) => void;
}

/**
 * The notification part of the periodic pass. Repeats: open findings told about more than their route's
 * repeat_interval ago get a "still firing" notification, written to the outbox in one transaction and then queued.
 * Groups: every group whose waiting notifications are due (group_wait, group_interval) is flushed — its notifications
 * assigned to the next flush under the group's lock — and the flush's job queued. Job ids are deterministic either
 * way, so a replayed pass, or two replicas' passes, queue each once; a crash between commit and enqueue leaves rows
 * the outbox sweep queues again.
 */
export async function notifyPass(opts: NotifyPassOptions): Promise<{ repeats: number; flushes: number }> {
  const limit = opts.limit ?? 1_000;
  let repeats = 0;
  const shortest = shortestRepeatIntervalMs(opts.routing.route);
  if (shortest !== undefined) {
    const plan = await opts.db.transaction(async (tx) => {
      const candidates = await repeatCandidates(tx, {
        notifiedBefore: new Date(opts.now.getTime() - shortest),
        limit,
      });
      const p = planRepeats(opts.routing, candidates, opts.now, {
        ...(opts.traceparent ? { traceparent: opts.traceparent } : {}),
      });
      await insertNotifications(tx, p.rows);
      return p;
    });
    for (const bad of plan.invalid) opts.onInvalid?.(bad);
    await opts.enqueue(plan.jobs);
    repeats = plan.rows.length;
  }

  const flushes: ReturnType<typeof groupFlushJob>[] = [];
  const isDue = (g: Parameters<typeof groupDueAt>[1]) => groupDueAt(opts.routing, g) <= opts.now;
  for (const g of await pendingGroups(opts.db, { limit: Math.ceil(limit / 2) })) {
    if (!isDue(g)) continue;
    const flushed = await flushGroup(opts.db, g.key, opts.now, isDue);
    if (flushed) flushes.push(groupFlushJob(flushed.group, flushed.seq, opts.now, opts.traceparent));
  }
  if (flushes.length)
    await opts.jobs.enqueueMany(
      'notify.group',
      flushes.map((f) => ({ payload: f.payload, opts: { jobId: f.jobId } })),
    );
  return { repeats, flushes: flushes.length };
}
