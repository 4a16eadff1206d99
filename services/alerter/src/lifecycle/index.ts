export { AlertPipeline, type AlertPipelineOptions } from './pipeline';
export type { QueuedNotification } from './plan';
export { storeDeliveryRecorder } from './store-recorder';
