export { Collector, type CollectorOptions } from './collector';
export { EventSink } from './sink';
export { AuditWebhookSource } from './sources/audit-webhook';
export { BackpressureError } from './http/errors';
export { ChronyProbe, type ChronyProbeOptions } from './probe/chrony-probe';
