import { describe, expect, it } from 'vitest';
import { ztvEvent } from '@ztv/events';
import { defaultRulesConfig, evaluateOffline } from '@ztv/rules';
import { demoStory } from './story';

describe('the demo story', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  const steps = demoStory('demo', now);
  const events = steps.flatMap((s) => s.events);

  it('is made of valid events, in story order, with unique ids', () => {
    for (const e of events) expect(() => ztvEvent.parse(e)).not.toThrow();
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    expect(steps.map((s) => s.minute)).toEqual([...steps.map((s) => s.minute)].sort((a, b) => a - b));
  });

  it('starts compliant but for the unmeshed legacy namespace, which has no default-deny', () => {
    const r = evaluateOffline(steps[0]!.events, { config: defaultRulesConfig(), cluster: 'demo', now });
    expect(r.errors).toEqual([]);
    expect(r.findings.filter((f) => !f.suppressedBy).map((f) => `${f.ruleId} ${f.subject.namespace ?? ''}`)).toEqual(['netpol-default-deny-missing legacy']);
  });

  it('drifts: the whole hour fires the rules a newcomer should see', () => {
    const r = evaluateOffline(events, { config: defaultRulesConfig(), cluster: 'demo', now });
    expect(r.errors).toEqual([]);
    const fired = new Set(r.findings.filter((f) => !f.suppressedBy).map((f) => f.ruleId));
    for (const id of [
      'policy-tampered', 'mtls-not-strict', 'flow-plaintext', 'netpol-default-deny-missing', 'clock-drift',
      'clock-unsynchronized', 'exec-into-workload', 'flow-metadata-access', 'flow-denied-burst', 'cert-ttl-too-long', 'cert-expiring',
    ]) {
      expect(fired, id).toContain(id);
    }
  });
});
