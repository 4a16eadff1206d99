import { describe, expect, it } from 'vitest';
import type { FlowEvent } from '@ztv/events';
import { parseText } from '@ztv/formats';
import { sharedFixture } from '../test-support';
import { FlowAggregator } from './flow-aggregator';
import { podWorkload } from './flow-key';

const flows = (rel: string): FlowEvent[] =>
  parseText(sharedFixture(rel), { cluster: 'c', observedAt: '2026-03-14T09:30:00Z', file: rel }).events.filter((e): e is FlowEvent => e.type === 'flow');

describe('FlowAggregator', () => {
  it('folds identical flows into one event whose count is how many there were', () => {
    const all = flows('hubble/hubble-otel-basic-sample-400-tcp-flows.first120.json');
    const agg = new FlowAggregator('test');
    for (const f of all) agg.fold(f);
    const sealed = agg.seal();
    expect(sealed.length).toBeLessThan(all.length);
    expect(sealed.reduce((n, e) => n + e.data.count, 0)).toBe(all.length);
    // Single flows keep Hubble's id; aggregates get a new one, and every id is distinct.
    expect(new Set(sealed.map((e) => e.id)).size).toBe(sealed.length);
    for (const e of sealed) {
      if (e.data.count === 1) expect(all.some((f) => f.id === e.id)).toBe(true);
      else expect(e.id).toMatch(/^flowagg:[0-9a-f]{40}$/);
    }
  });

  it('keeps flows that differ in verdict, port or mTLS apart, and starts a fresh window after sealing', () => {
    const [f] = flows('hubble/cilium-docs-hubble-exporter-dropped.jsonl').filter((e) => e.data.verdict === 'denied');
    expect(f).toBeDefined();
    const base = f as FlowEvent;
    const variant = (d: Partial<FlowEvent['data']>, id: string): FlowEvent => ({ ...base, id, data: { ...base.data, ...d } });
    const agg = new FlowAggregator('test');
    agg.fold(base);
    agg.fold(variant({}, 'same'));
    agg.fold(variant({ verdict: 'forwarded' }, 'v'));
    agg.fold(variant({ mtls: { mode: 'mutual' } }, 'm'));
    agg.fold(variant({ destination: { ...base.data.destination, port: 8080 } }, 'p'));
    const sealed = agg.seal();
    expect(sealed.map((e) => e.data.count).sort()).toEqual([1, 1, 1, 2]);
    expect(agg.size).toBe(0);
    agg.fold(base);
    agg.fold(variant({}, 'same'));
    const next = agg.seal();
    expect(next).toHaveLength(1);
    expect(next[0]?.id).not.toBe(sealed.find((e) => e.data.count === 2)?.id);
  });

  it('names a pod by its workload', () => {
    expect(podWorkload('reviews-v1-545db77b95-s6jb8')).toBe('reviews-v1');
    expect(podWorkload('web-0')).toBe('web');
    expect(podWorkload('fluentd-x7k2p')).toBe('fluentd');
    expect(podWorkload('xwing')).toBe('xwing');
  });
});
