import { JobPayloadError, type JobQueue } from '@ztv/jobs';
import { dropNotifications, getNotificationGroups, outboxNotifications, type Database } from '@ztv/store';
import type { Logger } from '@ztv/telemetry';
import { planDeliveries, type RoutingConfig } from '../notify/index';
import { groupFlushJob } from './groups';
import { notifiedFinding } from './plan';

/**
 * Enqueues again the outbox rows no attempt has started on (their job may never have reached the queue: the alerter
 * died between commit and enqueue, or Redis refused; for a job the queue holds it is a no-op), at most `limit` per
 * call. Each is re-planned from its finding (as it is now) and its transition (and repeat number), which yields the
 * same job id; a row its receiver no longer matches (the routing config changed) is dropped, with the reason. A
 * grouped row in a flush re-queues its flush's job; one not yet in a flush is left to the group pass. Returns how many
 * jobs were enqueued.
 */
export async function sweepOutbox(opts: {
  db: Database;
  jobs: JobQueue;
  routing: RoutingConfig;
  logger: Logger;
  now: Date;
  graceMs: number;
  limit?: number;
}): Promise<number> {
  const entries = await outboxNotifications(opts.db, {
    createdBefore: new Date(opts.now.getTime() - opts.graceMs),
    limit: opts.limit ?? 1_000,
  });
  const enqueued: string[] = [];
  const unrouted: string[] = [];
  // Grouped rows already in a flush: the flush's job is queued again (once per flush), not a job per row.
  const flushes = new Map<string, { key: string; seq: number }>();
  for (const { notification: n, finding, event } of entries) {
    if (n.groupKey !== null) {
      if (n.groupSeq !== null)
        flushes.set(`${n.groupKey}/${n.groupSeq}`, { key: n.groupKey, seq: n.groupSeq });
      continue;
    }
    const planned = planDeliveries(opts.routing, {
      finding: notifiedFinding(finding),
      kind: n.kind,
      transitionSeq: n.transitionSeq,
      ...(n.repeat > 0 ? { repeat: n.repeat } : {}),
      // A repeat is about now (when it was planned), not about the transition it repeats.
      at: (n.repeat > 0 ? n.createdAt : (event?.at ?? n.createdAt)).toISOString(),
      ...(n.kind === 'acknowledge' && event?.actor ? { actor: event.actor } : {}),
    }).find((d) => d.jobId === n.jobId);
    if (!planned) {
      unrouted.push(n.jobId);
      continue;
    }
    const waited = opts.now.getTime() - n.createdAt.getTime();
    const delayMs =
      n.kind === 'trigger' && n.repeat === 0 ? Math.max(0, planned.route.groupWaitMs - waited) : 0;
    try {
      await opts.jobs.enqueue('notify.deliver', planned.payload, {
        jobId: n.jobId,
        ...(delayMs > 0 ? { delayMs } : {}),
      });
      enqueued.push(n.jobId);
    } catch (err) {
      // A payload the job schema refuses will never be accepted: drop it rather than block the sweep behind it.
      if (!(err instanceof JobPayloadError)) throw err;
      await dropNotifications(opts.db, [n.jobId], err.message);
      opts.logger.error(
        { jobId: n.jobId, error: err.message },
        'outbox notification cannot be queued; dropped',
      );
    }
  }
  if (flushes.size) {
    const groups = await getNotificationGroups(
      opts.db,
      [...flushes.values()].map((f) => f.key),
    );
    const jobs = [...flushes.values()].flatMap(({ key, seq }) => {
      const g = groups.get(key);
      return g ? [groupFlushJob(g, seq, g.lastFlushedAt ?? opts.now)] : [];
    });
    await opts.jobs.enqueueMany(
      'notify.group',
      jobs.map((j) => ({ payload: j.payload, opts: { jobId: j.jobId } })),
    );
    enqueued.push(...jobs.map((j) => j.jobId));
  }
  if (unrouted.length) {
    await dropNotifications(opts.db, unrouted, 'no longer routed to this receiver by the current config');
    opts.logger.warn({ dropped: unrouted.length }, 'outbox notifications no longer routed; dropped');
  }
  return enqueued.length;
}
