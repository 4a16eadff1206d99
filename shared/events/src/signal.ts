import { hash } from 'node:crypto';
import { z } from 'zod';

export const severities = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof severities)[number];
export const severityRank: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/** The thing a person would fix (DESIGN §4). */
export const subject = z.object({
  cluster: z.string().optional(),
  namespace: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().optional(),
  spiffeId: z.string().optional(),
  serviceAccount: z.string().optional(),
  node: z.string().optional(),
  origin: z.string().optional(),
});
export type Subject = z.infer<typeof subject>;

export const signal = z.object({
  signalId: z.string().min(1),
  ruleId: z.string().min(1),
  transition: z.enum(['firing', 'resolved']),
  severity: z.enum(severities),
  area: z.string(),
  title: z.string(),
  message: z.string(),
  cluster: z.string(),
  subject,
  fingerprint: z.string().min(1),
  evidence: z.record(z.string(), z.unknown()),
  /** The event that triggered this transition. */
  eventId: z.string(),
  eventType: z.string(),
  /** When the triggering event happened. */
  time: z.string(),
  /** Event-based rules: the alerter resolves the finding after this much quiet. */
  quietPeriodSeconds: z.number().int().positive().optional(),
  /** Set when an exception matched: reported, never dropped. */
  suppressedBy: z.string().optional(),
});
export type Signal = z.infer<typeof signal>;

const subjectKeys = ['namespace', 'kind', 'name', 'spiffeId', 'node', 'origin'] as const;

/** Fingerprint of a finding: the rule, the cluster and the subject (DESIGN §4). */
export function findingFingerprint(ruleId: string, cluster: string, s: Subject): string {
  const parts = subjectKeys.map((k) => `${k}=${s[k] ?? ''}`);
  return sha256Hex([ruleId, cluster, ...parts].join('\n')).slice(0, 32);
}

/** signalId = hash(ruleId, subject, triggering event id, transition) (DESIGN §1). */
export function signalIdOf(ruleId: string, fingerprint: string, eventId: string, transition: string): string {
  return sha256Hex([ruleId, fingerprint, eventId, transition].join('\n')).slice(0, 40);
}

/** One-shot crypto.hash (Node ≥ 20.12): the same digest as createHash('sha256').update(s), at a third of its cost for short input (every signal id and fingerprint). Strings are hashed as UTF-8. */
export function sha256Hex(s: string | Uint8Array): string {
  return hash('sha256', s, 'hex');
}
