export {
  JobError,
  RetryableError,
  RetryAfterError,
  UnrecoverableJobError,
  JobPayloadError,
  isRetryable,
} from './errors';
export { retryDelayMs, type BackoffPolicy } from './backoff';
export { traceparent } from './trace';
export {
  jobCatalog,
  type JobCatalog,
  type JobDefinition,
  type JobName,
  type JobInput,
  type JobData,
  type ZtvJobCatalog,
} from './catalog';
export {
  notifyDeliverPayload,
  notifyGroupPayload,
  notifiedFinding,
  notificationKinds,
  integrationTypes,
  type NotifyDeliverPayload,
  type NotifyGroupPayload,
  type NotifiedFinding,
  type NotificationKind,
  type IntegrationType,
} from './payloads/notify-deliver';
export {
  remediationRunPayload,
  remediationModes,
  type RemediationRunPayload,
} from './payloads/remediation-run';
export type {
  JobQueue,
  JobWorker,
  JobHandler,
  JobContext,
  EnqueueOptions,
  ProcessOptions,
  JobLogger,
} from './port';
export { createInProcessJobQueue, type InProcessJobQueueOptions } from './inprocess';
export { createBullMqJobQueue, type BullMqJobQueueOptions } from './bullmq';
