import { JobPayloadError, type JobQueue } from '@ztv/jobs';
import { dropNotifications, outboxNotifications, type Database } from '@ztv/store';
import type { Logger } from '@ztv/telemetry';
import { planDeliveries, type RoutingConfig } from '../notify/index';
import { notifiedFinding } from './plan';

/**
 * Enqueues again the outbox rows no attempt has started on (their job may never have reached the queue: the alerter
 * died between commit and enqueue, or Redis refused; for a job the queue holds it is a no-op), at most `limit` per call. Each is re-planned from its finding (as it is now) and its transition, which yields the
 * same job id; a row its receiver no longer matches (the routing config changed) is dropped, with the reason. Returns
 * how many were enqueued.
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
  for (const { notification: n, finding, event } of entries) {
    const planned = planDeliveries(opts.routing, {
      finding: notifiedFinding(finding),
      kind: n.kind,
      transitionSeq: n.transitionSeq,
      at: (event?.at ?? n.createdAt).toISOString(),
      ...(n.kind === 'acknowledge' && event?.actor ? { actor: event.actor } : {}),
    }).find((d) => d.jobId === n.jobId);
    if (!planned) {
      unrouted.push(n.jobId);
      continue;
    }
    const waited = opts.now.getTime() - n.createdAt.getTime();
    const delayMs = n.kind === 'trigger' ? Math.max(0, planned.route.groupWaitMs - waited) : 0;
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
  if (unrouted.length) {
    await dropNotifications(opts.db, unrouted, 'no longer routed to this receiver by the current config');
    opts.logger.warn({ dropped: unrouted.length }, 'outbox notifications no longer routed; dropped');
  }
  return enqueued.length;
}
