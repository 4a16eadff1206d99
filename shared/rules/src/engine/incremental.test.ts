import { describe, expect, it } from 'vitest';
import { defaultRulesConfig } from '../config';
import { baselineRules } from '../pack';
import { RuleEngine } from './engine';
import { churnStream } from './test-churn';

/*
 * The namespace-level rules skip re-checks for changes that cannot move their verdict (a Pod status update under a
 * ReplicaSet, a workload edit that keeps its labels). Whatever they skip, what the engine has firing must stay what a
 * full evaluation of the same state finds.
 */
const namespaceRuleIds = [
  'netpol-default-deny-missing',
  'netpol-dns-egress-blocked',
  'mtls-not-strict',
  'authz-default-deny-missing',
  'authz-principal-invalid',
  'sidecar-missing',
  'probe-rewrite-disabled',
  'headless-port-unnamed',
  'statefulset-shared-identity',
];

describe('incremental evaluation', () => {
  it.each([1, 2, 3])('agrees with a full evaluation after every change (churn seed %i)', (seed) => {
    const rules = baselineRules.filter((r) => namespaceRuleIds.includes(r.id));
    const now = new Date('2026-03-14T12:00:00Z');
    const engine = new RuleEngine({ rules, config: defaultRulesConfig(), cluster: 'c', clock: () => now });
    const firing = new Map<string, string>();
    let checked = 0;
    let rebuilt = 0;
    const stream = churnStream(seed, 6, 1500);
    for (const [i, event] of stream.entries()) {
      for (const s of engine.process(event).signals) {
        if (s.transition === 'firing') firing.set(s.fingerprint, `${s.ruleId} ${s.severity}`);
        else firing.delete(s.fingerprint);
      }
      if (i % 10 !== 0) continue;
      const full = new Map(engine.snapshot().signals.map((s) => [s.fingerprint, `${s.ruleId} ${s.severity}`]));
      expect(firing, `after event ${i} (${event.id})`).toEqual(full);
      checked++;
      if (i % 100 !== 0) continue;
      // And what a fresh engine finds over the same events: the state's caches kept across events (policy views,
      // pod templates, mesh enrolment) must equal what is computed from scratch.
      const fresh = new RuleEngine({ rules, config: defaultRulesConfig(), cluster: 'c', clock: () => now });
      for (const e of stream.slice(0, i + 1)) fresh.load(e);
      expect(new Map(fresh.snapshot().signals.map((s) => [s.fingerprint, `${s.ruleId} ${s.severity}`])), `fresh engine after event ${i}`).toEqual(firing);
      rebuilt++;
    }
    expect(checked).toBeGreaterThan(100);
    expect(rebuilt).toBeGreaterThan(10);
    expect(firing.size).toBeGreaterThan(0);
  });
});
