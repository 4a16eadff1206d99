export { AlertPipeline, type AlertPipelineOptions } from './pipeline';
export { planNotifications, notifiedFinding, type QueuedNotification, type NotificationPlan } from './plan';
export { markSilenced } from './silenced';
export { sweepOutbox } from './outbox';
export { storeDeliveryRecorder } from './store-recorder';
