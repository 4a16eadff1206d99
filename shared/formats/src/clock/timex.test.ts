import { describe, expect, it } from 'vitest';
import { parseText } from '../engine/parse-text';
import { ctx, expectWellFormed, ofType, parseLocal } from '../test-support/fixtures';

const PROM = 'authored/node-exporter-timex.prom';

describe('timex: node-exporter node_timex_* metrics', () => {
  const r = parseLocal(PROM);
  const [w4, w9] = ofType(r.events, 'clock');
  it('groups samples per node label into one reading each', () => {
    expectWellFormed(r, PROM);
    expect(r.format).toBe('timex');
    expect(r.events.map((e) => e.type === 'clock' && e.data.node)).toEqual(['worker-4', 'worker-9']);
    expect(w4?.id).toBe('worker-4@2026-03-14T09:30:00Z/timex');
  });
  it('reads the kernel offset as a correction still to apply: positive means the clock is behind', () => {
    // adjtimex's offset is reference − local (ntpd and timesyncd feed it the NTP offset), ztv's is local − true.
    expect(w4?.data).toEqual({ node: 'worker-4', offsetSeconds: -0.000412873, synchronized: true, method: 'timex', maxErrorSeconds: 0.0124 });
    expect(w9?.data).toEqual({ node: 'worker-9', offsetSeconds: 4.212836504, synchronized: false, method: 'timex', maxErrorSeconds: 16 });
  });
  it('falls back to the instance label without its port, then to the node flag; takes sample timestamps', () => {
    const byInstance = parseText('node_timex_offset_seconds{instance="10.0.0.5:9100"} 0.5 1773480011000\n', ctx({ format: 'timex' }));
    expect(byInstance.events[0]).toMatchObject({ time: '2026-03-14T09:20:11.000Z', data: { node: '10.0.0.5', offsetSeconds: -0.5, synchronized: null } });
    const bare = 'node_timex_offset_seconds 0\nnode_timex_sync_status 1\n';
    expect(parseText(bare, ctx({ node: 'edge-1', format: 'timex' })).events[0]).toMatchObject({ data: { node: 'edge-1', offsetSeconds: 0, synchronized: true } });
    expect(parseText(bare, ctx({ file: 'm.prom' })).errors[0]).toMatchObject({ line: 1, reason: expect.stringContaining('cannot tell which node') });
  });
  it('reports malformed timex samples at their line and ignores other metrics', () => {
    const text = 'go_goroutines 8\nnode_timex_offset_seconds{node="a"} NaN-ish\nnode_timex_offset_seconds{node="b"} 0.25\n';
    const out = parseText(text, ctx({ format: 'timex' }));
    expect(out.events).toHaveLength(1);
    expect(out.errors[0]).toMatchObject({ line: 2, reason: 'sample value is not a number: NaN-ish' });
  });
});
