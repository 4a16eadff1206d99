import { Counter, type Registry } from 'prom-client';

export type SourceOutcome = 'received' | 'produced' | 'rejected' | 'deadlettered';

/** Per-source record counts: received, produced, rejected (refused or not acknowledged), dead-lettered. */
export interface SourceCounters {
  count(source: string, outcome: SourceOutcome, n?: number): void;
}

const NAME = 'ztv_collector_source_records_total';

/** The counter lives in the service registry; a second collector in the same process shares it. */
export function sourceCounters(registry: Registry): SourceCounters {
  const counter =
    (registry.getSingleMetric(NAME) as Counter<'source' | 'outcome'> | undefined) ??
    new Counter({
      name: NAME,
      help: 'Collector records by source and outcome: received, produced, rejected (refused or not acknowledged), deadlettered',
      labelNames: ['source', 'outcome'],
      registers: [registry],
    });
  return {
    count(source, outcome, n = 1) {
      if (n > 0) counter.inc({ source, outcome }, n);
    },
  };
}
