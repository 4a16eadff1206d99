import type { IntegrationType, NotificationKind } from '@ztv/jobs';
import type { GroupedNotice } from './slack-group';

export interface DeliveryAttempt {
  jobId: string;
  receiver: string;
  integration: IntegrationType;
  kind: NotificationKind;
  findingFingerprint: string;
  /** 1-based. */
  attempt: number;
  /** sent: delivered; retrying: failed, another attempt is scheduled; failed: final (4xx, or attempts exhausted). */
  status: 'sent' | 'retrying' | 'failed';
  statusCode?: number;
  /** Redacted: names the host, never the URL or a key. */
  error?: string;
}

/** What to do with an attempt about to be made (see DeliveryRecorder.claim). */
export type DeliveryDecision =
  | { action: 'send' }
  /** Moot (already settled, or the trigger it follows never went out): the job ends without sending. */
  | { action: 'drop'; reason: string }
  /** Not yet (the trigger it follows is still being retried): the attempt fails as retryable. */
  | { action: 'wait'; reason: string };

/** What to do with a group flush about to be attempted (see DeliveryRecorder.claimGroup). */
export type GroupDeliveryDecision =
  | { action: 'send'; members: (GroupedNotice & { jobId: string })[] }
  | { action: 'drop'; reason: string }
  | { action: 'wait'; reason: string };

/**
 * Where delivery attempts are recorded (the `notifications` table, implemented over @ztv/store by the alerter's
 * wiring). Called once per attempt; must be idempotent per (jobId, attempt), since a crashed worker's job runs again.
 */
export interface DeliveryRecorder {
  attempt(rec: DeliveryAttempt): Promise<void>;
  /**
   * Optional: consulted before each attempt, to keep a finding's notifications to one integration in order (a resolve
   * never overtakes its trigger) and to skip settled ones. Without it every attempt sends.
   */
  claim?(rec: Omit<DeliveryAttempt, 'status' | 'statusCode' | 'error'>): Promise<DeliveryDecision>;
  /**
   * Required for group flushes (notify.group): claims each notification of the flush as `claim` would, and returns the
   * ones to send, each with its finding (the members' attempts are then recorded one by one with `attempt`).
   */
  claimGroup?(rec: { groupKey: string; groupSeq: number; attempt: number }): Promise<GroupDeliveryDecision>;
}
