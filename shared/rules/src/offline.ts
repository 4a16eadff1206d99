import type { Severity, Subject, ZtvEvent } from '@ztv/events';
import type { RulesConfig } from './config';
import { RuleEngine } from './engine/engine';
import type { Rule } from './engine/types';
import { baselineRules } from './pack';

/** One result of an offline evaluation (`ztv evaluate`). */
export interface OfflineFinding {
  ruleId: string;
  severity: Severity;
  title: string;
  message: string;
  subject: Subject;
  evidence: Record<string, unknown>;
  fingerprint: string;
  /** Set when an exception covers it: reported as suppressed, never dropped. */
  suppressedBy?: string;
}

export interface OfflineResult {
  findings: OfflineFinding[];
  /** Rules that could not evaluate (an error is never a violation). */
  errors: { ruleId: string; eventId: string; error: string }[];
}

/**
 * Evaluates a set of events as one snapshot: objects build the state first, then observations (audit, flows,
 * certificates, clocks) run through the rules in time order, then every state rule checks every scope at `now`.
 * The result holds what is true at the end: a state finding that a later event resolved is not in it.
 */
export function evaluateOffline(events: ZtvEvent[], opts: { config: RulesConfig; cluster: string; now: Date; rules?: Rule[] }): OfflineResult {
  const engine = new RuleEngine({ rules: opts.rules ?? baselineRules, config: opts.config, cluster: opts.cluster, clock: () => opts.now });
  const resources = events.filter((e) => e.type === 'k8s.resource');
  const observations = events.filter((e) => e.type !== 'k8s.resource').sort((a, b) => a.time.localeCompare(b.time));
  for (const e of resources) engine.load(e);

  const byFingerprint = new Map<string, OfflineFinding>();
  const errors: OfflineResult['errors'] = [];
  const eventRuleIds = new Set((opts.rules ?? baselineRules).filter((r) => r.kind === 'event').map((r) => r.id));
  for (const e of observations) {
    const r = engine.process(e);
    for (const s of r.signals) {
      if (!eventRuleIds.has(s.ruleId) || s.transition !== 'firing') continue;
      byFingerprint.set(s.fingerprint, toFinding(s));
    }
    for (const o of r.outcomes) if (o.kind === 'error') errors.push({ ruleId: o.ruleId, eventId: o.eventId, error: o.error });
  }
  const snapshot = engine.snapshot();
  for (const s of snapshot.signals) byFingerprint.set(s.fingerprint, toFinding(s));
  for (const o of snapshot.outcomes) if (o.kind === 'error') errors.push({ ruleId: o.ruleId, eventId: o.eventId, error: o.error });
  return { findings: [...byFingerprint.values()], errors };
}

function toFinding(s: { ruleId: string; severity: Severity; title: string; message: string; subject: Subject; evidence: Record<string, unknown>; fingerprint: string; suppressedBy?: string }): OfflineFinding {
  const f: OfflineFinding = { ruleId: s.ruleId, severity: s.severity, title: s.title, message: s.message, subject: s.subject, evidence: s.evidence, fingerprint: s.fingerprint };
  if (s.suppressedBy) f.suppressedBy = s.suppressedBy;
  return f;
}
