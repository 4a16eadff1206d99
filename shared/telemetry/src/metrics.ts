import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One Prometheus registry per process; services add their own metrics to it. */
export function createMetrics(service: string) {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    received: new Counter({ name: 'ztv_events_received_total', help: 'Events received, by source', labelNames: ['source'], registers: [registry] }),
    produced: new Counter({ name: 'ztv_events_produced_total', help: 'Events produced to Kafka, by topic', labelNames: ['topic'], registers: [registry] }),
    rejected: new Counter({ name: 'ztv_events_rejected_total', help: 'Requests or events rejected, by source and reason', labelNames: ['source', 'reason'], registers: [registry] }),
    deadLettered: new Counter({ name: 'ztv_deadletter_total', help: 'Records sent to the dead-letter topic, by stage', labelNames: ['stage'], registers: [registry] }),
    signals: new Counter({ name: 'ztv_signals_total', help: 'Signals emitted or applied, by rule and transition', labelNames: ['rule', 'transition'], registers: [registry] }),
    ruleErrors: new Counter({ name: 'ztv_rule_errors_total', help: 'Rule evaluations that could not complete', labelNames: ['rule'], registers: [registry] }),
    batchSeconds: new Histogram({ name: 'ztv_batch_seconds', help: 'Time to process one consumed batch', labelNames: ['consumer'], registers: [registry] }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
