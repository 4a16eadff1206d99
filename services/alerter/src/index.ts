export { Alerter, type AlerterOptions, type ApplySignals } from './alerter';
export { decodeSignal } from './decode-signal';
export { loadRoutingConfig } from './alerting-config';
export {
  AlertPipeline,
  storeDeliveryRecorder,
  type AlertPipelineOptions,
  type QueuedNotification,
} from './lifecycle/index';
export { createDeliveryWorker, parseRoutingConfig, type RoutingConfig } from './notify/index';
export { RemediationTrigger, loadTriggerConfig, AUTO_ACTOR, type TriggerConfig } from './lifecycle/remediation-trigger';
