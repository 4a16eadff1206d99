import { describe, expect, it } from 'vitest';
import type { ClockData, Signal } from '@ztv/events';
import { defaultRulesConfig } from '../../config';
import { RuleEngine, type EngineResult } from '../../engine/engine';
import { resourceEvent } from '../../testing';
import { clockDrift } from './clock-drift';
import { clockUnsynchronized } from './clock-unsynchronized';
import { certEvent, chronyReading, clockEvent, istioCert } from './test-certs';

const now = new Date('2026-03-14T09:30:00Z');
const setup = () => new RuleEngine({ rules: [clockDrift, clockUnsynchronized], config: defaultRulesConfig(), cluster: 'test', clock: () => now });
const sig = (r: EngineResult, ruleId: string, transition: Signal['transition'] = 'firing') =>
  r.signals.filter((s) => s.ruleId === ruleId && s.transition === transition);

const worker4 = chronyReading('worker-4', 'authored/chronyc-tracking-worker-4.txt');
const worker9 = chronyReading('worker-9', 'authored/chronyc-tracking-worker-9-unsynced.txt');
const lease = (node: string, offsetSeconds: number): ClockData => ({ node, offsetSeconds, synchronized: null, method: 'lease' });
const node = (name: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name, 'node-role.kubernetes.io/worker': '' }, annotations },
});

describe('clock-drift / clock-unsynchronized on chrony tracking output', () => {
  it('reads the fixtures as a collector would', () => {
    expect(worker4).toMatchObject({ offsetSeconds: 0.000412873, synchronized: true, stratum: 3, referenceId: 'ntp1.example.internal' });
    expect(worker9).toMatchObject({ offsetSeconds: -4.212836504, synchronized: false, leapStatus: 'Not synchronised' });
  });

  it('a synchronised node 0.4 ms fast fires nothing', () => {
    expect(setup().process(clockEvent(worker4, '2026-03-14T09:20:11Z')).signals).toHaveLength(0);
  });

  it('an unsynchronised node 4.2 s slow fires both, and both resolve when it is back in sync', () => {
    const e = setup();
    const r = e.process(clockEvent(worker9, '2026-03-14T09:20:00Z'));
    const [drift] = sig(r, 'clock-drift');
    expect(drift?.subject).toEqual({ cluster: 'test', node: 'worker-9' });
    expect(drift?.severity).toBe('high');
    expect(drift?.message).toBe("Node worker-9's clock is 4.213s behind (chrony), above the 1s limit.");
    expect(drift?.evidence).toMatchObject({ limitSeconds: 1, svidTtlSeconds: 86400, svidTtlFrom: 'maxSvidTtlSeconds' });
    expect(sig(r, 'clock-unsynchronized')[0]?.message).toMatch(/leap status: Not synchronised/);
    const fixed = e.process(clockEvent({ ...worker4, node: 'worker-9' }, '2026-03-14T09:25:00Z'));
    expect(sig(fixed, 'clock-drift', 'resolved')).toHaveLength(1);
    expect(sig(fixed, 'clock-unsynchronized', 'resolved')).toHaveLength(1);
  });

  it('an older reading arriving late does not overwrite a newer one', () => {
    const e = setup();
    e.process(clockEvent({ ...worker4, node: 'worker-9' }, '2026-03-14T09:25:00Z'));
    expect(e.process(clockEvent(worker9, '2026-03-14T09:20:00Z')).signals).toHaveLength(0);
  });

  it('is critical above 10% of the shortest SVID lifetime seen (1h SVIDs: 360 s)', () => {
    const e = setup();
    e.process(certEvent(istioCert({ ns: 'shop', sa: 'front', pod: 'front-0', notBefore: '2026-03-14T09:00:00Z', hours: 1 }), '2026-03-14T09:00:00Z'));
    const [s] = sig(e.process(clockEvent({ ...worker4, offsetSeconds: 400 }, '2026-03-14T09:20:00Z')), 'clock-drift');
    expect(s?.severity).toBe('critical');
    expect(s?.evidence).toMatchObject({ criticalAboveSeconds: 360, svidTtlFrom: 'shortest SVID lifetime seen' });
    expect(s?.message).toMatch(/6m ahead/);
  });

  it('resolves when the Node is deleted, and honours a reasoned Node annotation', () => {
    const e = setup();
    e.process(resourceEvent(node('worker-9')));
    e.process(clockEvent(worker9, '2026-03-14T09:20:00Z'));
    const gone = e.process(resourceEvent(node('worker-9'), 'delete'));
    expect(sig(gone, 'clock-drift', 'resolved')).toHaveLength(1);
    expect(sig(gone, 'clock-unsynchronized', 'resolved')).toHaveLength(1);

    const f = setup();
    f.process(resourceEvent(node('worker-9', { 'ztv.io/ignore': 'clock-drift', 'ztv.io/ignore-reason': 'being drained for RMA' })));
    const r = f.process(clockEvent(worker9, '2026-03-14T09:20:00Z'));
    expect(sig(r, 'clock-drift')[0]?.suppressedBy).toBe('annotation: being drained for RMA');
    expect(sig(r, 'clock-unsynchronized')[0]?.suppressedBy).toBeUndefined();
  });
});

describe('lease-derived readings', () => {
  it('count only above leaseClockToleranceSeconds; synchronized null is never a finding', () => {
    const e = setup();
    expect(e.process(clockEvent(lease('worker-7', 1.5), '2026-03-14T09:20:00Z')).signals).toHaveLength(0);
    const [s] = sig(e.process(clockEvent(lease('worker-7', -2.5), '2026-03-14T09:21:00Z')), 'clock-drift');
    expect(s?.evidence).toMatchObject({ method: 'lease', limitSeconds: 2 });
  });

  it('defer to a recent chrony reading, but not to one the probe stopped refreshing', () => {
    const e = setup();
    e.process(clockEvent({ ...worker4, node: 'worker-5' }, '2026-03-14T09:20:00Z'));
    expect(e.process(clockEvent(lease('worker-5', 3), '2026-03-14T09:21:00Z')).signals).toHaveLength(0);
    const stale = e.process(clockEvent(lease('worker-5', 3), '2026-03-14T09:26:00Z'));
    expect(sig(stale, 'clock-drift')).toHaveLength(1);
  });
});
