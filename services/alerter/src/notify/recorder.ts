import type { IntegrationType, NotificationKind } from '@ztv/jobs';

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

/**
 * Where delivery attempts are recorded (the `notifications` table, implemented over @ztv/store by the alerter's
 * wiring). Called once per attempt; must be idempotent per (jobId, attempt), since a crashed worker's job runs again.
 */
export interface DeliveryRecorder {
  attempt(rec: DeliveryAttempt): Promise<void>;
}
