import type { ZtvEvent } from '@ztv/events';
import type { RuleEngine } from '@ztv/rules';
import { benchInput, loadedEngine, validateEvent } from './engine-stream';
import { countArg } from './args';

/*
 * `npx tsx test/bench/engine-by-type.ts [<stream events>]`: bench:engine's world and stream, processed in order as the
 * rule-worker would, with engine.process timed per event and summed by kind of event — flow reporter, audit verb and
 * resource, k8s.resource kind and op (create / update / delete) — so the average event's engine time can be split by
 * where it goes. Wall clock per event (performance.now adds ≈0.1 µs each); two rounds, a fresh engine each.
 */

const { state, lines } = benchInput(countArg(0, 'events', 200_000));

function kindOf(e: ZtvEvent, engine: RuleEngine): string {
  if (e.type === 'flow') return `flow ${e.source}`;
  if (e.type === 'k8s.audit') return `audit ${e.data.verb} ${e.data.objectRef?.resource ?? ''}${e.data.objectRef?.subresource ? `/${e.data.objectRef.subresource}` : ''}`;
  if (e.type === 'k8s.resource') {
    const had = engine.state.resources.get(e.data.kind, e.data.namespace, e.data.name);
    return `${e.data.kind} ${e.data.op === 'delete' ? 'delete' : had ? 'update' : 'create'}`;
  }
  return e.type;
}

for (let round = 1; round <= 2; round++) {
  const { engine } = loadedEngine(state);
  const took = new Map<string, number[]>();
  for (const line of lines) {
    const e = validateEvent(JSON.parse(line));
    const kind = kindOf(e, engine);
    const t0 = performance.now();
    engine.process(e);
    const ms = performance.now() - t0;
    let list = took.get(kind);
    if (!list) took.set(kind, (list = []));
    list.push(ms);
  }
  const rows = [...took].map(([kind, ms]) => {
    const sum = ms.reduce((a, b) => a + b, 0);
    const sorted = [...ms].sort((a, b) => a - b);
    return { kind, events: ms.length, meanUs: (sum * 1000) / ms.length, medianUs: (sorted[ms.length >> 1] ?? 0) * 1000, shareUs: (sum * 1000) / lines.length };
  });
  rows.sort((a, b) => b.shareUs - a.shareUs);
  const total = rows.reduce((a, r) => a + r.shareUs, 0);
  console.log(`round ${round}: engine.process ${total.toFixed(2)} µs per average event, by kind (share = µs of the average event):`);
  console.table(rows.filter((r) => r.shareUs >= 0.01).map((r) => ({ kind: r.kind, events: r.events, 'mean µs': r.meanUs.toFixed(1), 'median µs': r.medianUs.toFixed(1), 'share µs': r.shareUs.toFixed(2) })));
}
