import {
  RetryableError,
  type JobContext,
  type JobQueue,
  type JobWorker,
  type NotifyDeliverPayload,
} from '@ztv/jobs';
import type { Logger } from '@ztv/telemetry';
import { failedAttempt, inAttemptSpan, receiverFor, routingGetter } from './attempt';
import { deliver } from './deliver';
import { createGroupDeliveryWorker } from './group-worker';
import type { DeliveryAttempt, DeliveryRecorder } from './recorder';
import { renderNotification } from './render';
import type { RoutingConfig } from './routing';

export interface DeliveryWorkerOptions {
  /** The routing config, or a getter for the current one (config reloads take effect on the next attempt). */
  routing: RoutingConfig | (() => RoutingConfig);
  recorder: DeliveryRecorder;
  logger: Logger;
  /** DASHBOARD_URL: finding links point at `<dashboardUrl>/#/findings/<id>` (the dashboard routes in the fragment). */
  dashboardUrl: string;
  fetch?: typeof fetch;
  /** Per HTTP attempt (default 10 s). */
  timeoutMs?: number;
  /** Deliveries in flight (default 8). */
  concurrency?: number;
}

/**
 * Processes `notify.deliver` jobs: look up the receiver, render, POST, record the attempt. Retries and Retry-After are
 * the queue's business (the errors deliver() throws say which); this only records, as `failed` when no attempt
 * follows. Also processes `notify.group` (group flushes, see group-worker.ts).
 */
export function createDeliveryWorker(queue: JobQueue, opts: DeliveryWorkerOptions): JobWorker {
  const log = opts.logger.child({ component: 'notify-deliver' });
  const routing = routingGetter(opts.routing);

  const record = async (rec: DeliveryAttempt) => {
    try {
      await opts.recorder.attempt(rec);
    } catch (err) {
      // Never turn a delivered notification into a retry (a second Slack message) because the record failed.
      log.error(
        { jobId: rec.jobId, status: rec.status, error: (err as Error).message },
        'recording delivery attempt failed',
      );
    }
  };

  const handle = (p: NotifyDeliverPayload, ctx: JobContext) =>
    inAttemptSpan('notify.deliver', p, ctx, () => attempt(p, ctx));

  const attempt = async (p: NotifyDeliverPayload, ctx: JobContext) => {
    const base = {
      jobId: ctx.jobId,
      receiver: p.receiver,
      integration: p.integration,
      kind: p.kind,
      findingFingerprint: p.finding.fingerprint,
      attempt: ctx.attempt,
    };
    try {
      const decision = (await opts.recorder.claim?.(base)) ?? { action: 'send' };
      if (decision.action === 'drop') {
        log.info({ ...base, reason: decision.reason }, 'notification dropped');
        return;
      }
      if (decision.action === 'wait') throw new RetryableError(decision.reason);
      const notification = await renderNotification(p, receiverFor(routing(), p.receiver), {
        dashboardUrl: opts.dashboardUrl,
        jobId: ctx.jobId,
      });
      if (!notification) {
        log.info(base, 'notification no longer wanted by receiver config; skipped');
        return;
      }
      const { statusCode } = await deliver(notification, {
        fetch: opts.fetch,
        timeoutMs: opts.timeoutMs ?? 10_000,
      });
      await record({ ...base, status: 'sent', statusCode });
      log.info({ ...base, statusCode }, 'notification sent');
    } catch (err) {
      const { final, ...failure } = failedAttempt(err, ctx);
      const { error } = failure;
      await record({ ...base, ...failure });
      if (final) log.warn({ ...base, error }, 'notification failed');
      else log.info({ ...base, error }, 'notification attempt failed; will retry');
      throw err;
    }
  };

  const single = queue.process('notify.deliver', handle, { concurrency: opts.concurrency ?? 8 });
  const grouped = createGroupDeliveryWorker(queue, { ...opts, record, log });
  return { close: async () => void (await Promise.all([single.close(), grouped.close()])) };
}
