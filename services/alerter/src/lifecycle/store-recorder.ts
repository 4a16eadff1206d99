import { claimDelivery, claimGroupDelivery, recordDeliveryAttempt, type Database } from '@ztv/store';
import type { DeliveryRecorder } from '../notify/index';
import { notifiedFinding } from './plan';

/**
 * Delivery attempts recorded in Postgres: the notification row (attempts, status, last status code and error,
 * sent_at) and the finding's history (`notified` / `notify_failed`), idempotent per (jobId, attempt); and the claim
 * that keeps a resolve behind its trigger (claimDelivery), also for each notification of a group flush.
 */
export function storeDeliveryRecorder(db: Database, clock: () => Date = () => new Date()): DeliveryRecorder {
  return {
    async attempt(rec) {
      await recordDeliveryAttempt(
        db,
        {
          jobId: rec.jobId,
          attempt: rec.attempt,
          status: rec.status,
          ...(rec.statusCode !== undefined ? { statusCode: rec.statusCode } : {}),
          ...(rec.error !== undefined ? { error: rec.error } : {}),
        },
        clock(),
      );
    },
    claim: (rec) => claimDelivery(db, { jobId: rec.jobId, attempt: rec.attempt }),
    async claimGroup(rec) {
      const d = await claimGroupDelivery(db, rec);
      if (d.action !== 'send') return d;
      return {
        action: 'send',
        members: d.members.map((m) => ({
          jobId: m.jobId,
          kind: m.kind,
          repeat: m.repeat,
          at: m.at.toISOString(),
          ...(m.kind === 'acknowledge' && m.actor ? { actor: m.actor } : {}),
          finding: notifiedFinding(m.finding),
        })),
      };
    },
  };
}
