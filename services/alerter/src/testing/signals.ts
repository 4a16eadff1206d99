import { findingFingerprint, signalIdOf, type Severity, type Signal, type Subject } from '@ztv/events';

export interface SignalSpec {
  rule?: string;
  cluster?: string;
  namespace?: string;
  /** The triggering event's id: with rule, subject and transition it makes the signal id. */
  event: string;
  transition?: Signal['transition'];
  severity?: Severity;
  area?: string;
  quietPeriodSeconds?: number;
  suppressedBy?: string;
  time?: string;
}

/** A signal shaped like the rule-worker's (fingerprint and signal id as @ztv/events defines them), for tests and benches. */
export function makeSignal(spec: SignalSpec): Signal {
  const rule = spec.rule ?? 'netpol-default-deny-missing';
  const cluster = spec.cluster ?? 'prod-eu1';
  const namespace = spec.namespace ?? 'payments';
  const transition = spec.transition ?? 'firing';
  const subject: Subject = { namespace, kind: 'Namespace', name: namespace };
  const fingerprint = findingFingerprint(rule, cluster, subject);
  return {
    signalId: signalIdOf(rule, fingerprint, spec.event, transition),
    ruleId: rule,
    transition,
    severity: spec.severity ?? 'high',
    area: spec.area ?? 'network',
    title: `${rule} in ${namespace}`,
    message: `Namespace ${namespace}: ${rule}`,
    cluster,
    subject,
    fingerprint,
    evidence: { event: spec.event, namespace },
    eventId: spec.event,
    eventType: 'k8s.resource',
    time: spec.time ?? '2025-11-26T10:00:00.000Z',
    ...(spec.quietPeriodSeconds !== undefined ? { quietPeriodSeconds: spec.quietPeriodSeconds } : {}),
    ...(spec.suppressedBy !== undefined ? { suppressedBy: spec.suppressedBy } : {}),
  };
}
