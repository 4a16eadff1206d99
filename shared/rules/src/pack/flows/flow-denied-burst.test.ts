import { describe, expect, it } from 'vitest';
import { defaultRulesConfig } from '../../config';
import { RuleEngine } from '../../engine/engine';
import { resourceEvent } from '../../testing';
import { flowDeniedBurst } from './flow-denied-burst';
import { hubbleFlow, jsonLines } from './test-flows';

const [invalidSource, policyDrop] = jsonLines('hubble/cilium-docs-hubble-exporter-dropped.jsonl') as [Record<string, unknown>, Record<string, unknown>];
const at = (seconds: number) => new Date(Date.parse('2023-08-21T12:12:18Z') + seconds * 1000).toISOString();
const setup = () => new RuleEngine({ rules: [flowDeniedBurst], config: defaultRulesConfig(), cluster: 'test', clock: () => new Date('2030-01-01T00:00:00Z') });

describe('flow-denied-burst (default: more than 50 in 60 s)', () => {
  it('fires once when aggregated POLICY_DENIED flows from one pod cross the threshold, again only after a window', () => {
    const e = setup();
    const fired: number[] = [];
    // 10 aggregated records of 6 drops each, 5 s apart (xwing probing deathstar): the 9th brings the total to 54.
    for (let i = 0; i < 10; i++) if (e.process(hubbleFlow(policyDrop, { count: 6 }, at(i * 5))).signals.length) fired.push(i);
    expect(fired).toEqual([8]);
    const [s] = setup().process(hubbleFlow(policyDrop, { count: 51 }, at(0))).signals;
    expect(s?.subject).toEqual({ cluster: 'test', namespace: 'default', kind: 'Pod', name: 'xwing' });
    expect(s?.message).toBe('default/xwing had 51 policy-denied flows within 60s (more than 50).');
    expect(s?.evidence).toMatchObject({ deniedFlows: 51, deniedBurst: 50, windowSeconds: 60 });
    // Still bursting a full window after the first finding: a second one.
    for (let i = 10; i < 30; i++) if (e.process(hubbleFlow(policyDrop, { count: 6 }, at(i * 5))).signals.length) fired.push(i);
    expect(fired).toEqual([8, 20]);
  });

  it('uses the flows\' own time: the same drops spread over more than a window never burst', () => {
    const e = setup();
    let n = 0;
    for (let i = 0; i < 20; i++) n += e.process(hubbleFlow(policyDrop, { count: 3 }, at(i * 4))).signals.length;
    expect(n).toBe(0);
  });

  it('does not count drops that are not policy decisions, or other sources', () => {
    const e = setup();
    expect(e.process(hubbleFlow(invalidSource, { count: 500 }, at(0))).signals).toHaveLength(0);
    expect(e.process(hubbleFlow(policyDrop, { count: 500, dropReason: 'AUTH_REQUIRED' }, at(1))).signals).toHaveLength(0);
    expect(e.process(hubbleFlow(policyDrop, { count: 30 }, at(2))).signals).toHaveLength(0);
    expect(e.process(hubbleFlow(policyDrop, { count: 30, source: { namespace: 'default', pod: 'tiefighter' } }, at(3))).signals).toHaveLength(0);
    expect(e.process(hubbleFlow(policyDrop, { count: 21 }, at(4))).signals).toHaveLength(1);
  });

  it('honours ztv.io/ignore on the source pod only with a reason', () => {
    const xwing = (annotations: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'xwing', namespace: 'default', labels: { org: 'alliance', class: 'xwing' }, annotations },
      spec: { containers: [{ name: 'spaceship', image: 'quay.io/cilium/json-mock:v1.3.8' }] },
    });
    const e = setup();
    e.process(resourceEvent(xwing({ 'ztv.io/ignore': 'flow-denied-burst', 'ztv.io/ignore-reason': 'red-team exercise RT-7' })));
    expect(e.process(hubbleFlow(policyDrop, { count: 60 }, at(0))).signals[0]?.suppressedBy).toBe('annotation: red-team exercise RT-7');
    const u = setup();
    u.process(resourceEvent(xwing({ 'ztv.io/ignore': 'flow-denied-burst' })));
    const [s] = u.process(hubbleFlow(policyDrop, { count: 60 }, at(0))).signals;
    expect(s?.transition).toBe('firing');
    expect(s?.suppressedBy).toBeUndefined();
  });
});
