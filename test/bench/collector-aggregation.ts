import { readdirSync } from 'node:fs';
import type { FlowEvent } from '@ztv/events';
import { parseText } from '@ztv/formats';
import { FlowAggregator } from '../../services/collector/src/pipeline/flow-aggregator';
import { sharedFixture, sharedFixturePath } from '../../services/collector/src/test-support';

export interface AggregationRow {
  file: string;
  flows: number;
  /** Events after aggregating the whole file as one window (what one NDJSON POST of it becomes). */
  oneWindow: number;
  /** Events after aggregating in 10 s windows of the flows' own time (a live stream of the same flows). */
  tenSecondWindows: number;
}

/** The collector's flow aggregation over every Hubble fixture: flows in, events out, per file and in total. */
export function measureAggregation(windowSeconds = 10): { files: AggregationRow[]; total: AggregationRow & { reductionOneWindow: number; reductionTenSecondWindows: number } } {
  const dir = sharedFixturePath('hubble');
  const files: AggregationRow[] = [];
  for (const name of readdirSync(dir).filter((f) => /\.jsonl?$/.test(f)).sort()) {
    const rel = `hubble/${name}`;
    const flows = parseText(sharedFixture(rel), { cluster: 'bench', observedAt: '2026-03-14T09:30:00Z', file: rel }).events.filter((e): e is FlowEvent => e.type === 'flow');
    const one = new FlowAggregator('bench');
    for (const f of flows) one.fold(f);
    const oneWindow = one.seal().length;
    let windowed = 0;
    const agg = new FlowAggregator('bench');
    let windowEnd = -Infinity;
    for (const f of [...flows].sort((a, b) => Date.parse(a.time) - Date.parse(b.time))) {
      const t = Date.parse(f.time);
      if (t >= windowEnd) {
        windowed += agg.seal().length;
        windowEnd = t + windowSeconds * 1000;
      }
      agg.fold(f);
    }
    windowed += agg.seal().length;
    files.push({ file: rel, flows: flows.length, oneWindow, tenSecondWindows: windowed });
  }
  const sum = (k: 'flows' | 'oneWindow' | 'tenSecondWindows') => files.reduce((n, r) => n + r[k], 0);
  const flows = sum('flows');
  const reduction = (events: number) => Number((1 - events / flows).toFixed(3));
  return {
    files,
    total: {
      file: '(all hubble fixtures)',
      flows,
      oneWindow: sum('oneWindow'),
      tenSecondWindows: sum('tenSecondWindows'),
      reductionOneWindow: reduction(sum('oneWindow')),
      reductionTenSecondWindows: reduction(sum('tenSecondWindows')),
    },
  };
}
