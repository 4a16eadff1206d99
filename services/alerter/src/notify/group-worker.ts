import {
  RetryableError,
  UnrecoverableJobError,
  type JobContext,
  type JobQueue,
  type JobWorker,
  type NotifyGroupPayload,
} from '@ztv/jobs';
import type { Logger } from '@ztv/telemetry';
import { failedAttempt, inAttemptSpan, receiverFor, routingGetter } from './attempt';
import { deliver } from './deliver';
import type { DeliveryAttempt, GroupDeliveryDecision } from './recorder';
import { renderGroupNotification } from './render';
import type { DeliveryWorkerOptions } from './worker';

/**
 * Processes `notify.group` jobs: claim the flush's notifications (each in order behind its finding's earlier ones),
 * render one message, POST it, and record the attempt on every notification it carried. Retries as notify.deliver.
 */
export function createGroupDeliveryWorker(
  queue: JobQueue,
  opts: DeliveryWorkerOptions & { record: (rec: DeliveryAttempt) => Promise<void>; log: Logger },
): JobWorker {
  const { log } = opts;
  const routing = routingGetter(opts.routing);

  const attempt = async (p: NotifyGroupPayload, ctx: JobContext) => {
    const base = { jobId: ctx.jobId, receiver: p.receiver, integration: p.integration, attempt: ctx.attempt };
    let decision: GroupDeliveryDecision | undefined;
    // Every attempt is recorded on each notification the flush carries.
    const recordAll = (rec: Pick<DeliveryAttempt, 'status' | 'statusCode' | 'error'>) =>
      Promise.all(
        (decision?.action === 'send' ? decision.members : []).map((m) =>
          opts.record({
            ...rec,
            jobId: m.jobId,
            receiver: p.receiver,
            integration: p.integration,
            kind: m.kind,
            findingFingerprint: m.finding.fingerprint,
            attempt: ctx.attempt,
          }),
        ),
      );
    try {
      if (!opts.recorder.claimGroup)
        throw new UnrecoverableJobError('group flushes need a recorder that can claim them');
      decision = await opts.recorder.claimGroup({
        groupKey: p.groupKey,
        groupSeq: p.groupSeq,
        attempt: ctx.attempt,
      });
      if (decision.action === 'drop') {
        log.info({ ...base, reason: decision.reason }, 'group notification dropped');
        return;
      }
      if (decision.action === 'wait') throw new RetryableError(decision.reason);
      const notification = await renderGroupNotification(
        p,
        decision.members,
        receiverFor(routing(), p.receiver),
        opts,
      );
      if (!notification) {
        log.info(base, 'group notification no longer wanted by receiver config; skipped');
        return;
      }
      const { statusCode } = await deliver(notification, {
        fetch: opts.fetch,
        timeoutMs: opts.timeoutMs ?? 10_000,
      });
      await recordAll({ status: 'sent', statusCode });
      log.info({ ...base, statusCode, findings: decision.members.length }, 'group notification sent');
    } catch (err) {
      const { final, ...failure } = failedAttempt(err, ctx);
      const { error } = failure;
      await recordAll(failure);
      if (final) log.warn({ ...base, error }, 'group notification failed');
      else log.info({ ...base, error }, 'group notification attempt failed; will retry');
      throw err;
    }
  };

  return queue.process(
    'notify.group',
    (p, ctx) => inAttemptSpan('notify.group', p, ctx, () => attempt(p, ctx)),
    { concurrency: opts.concurrency ?? 8 },
  );
}
