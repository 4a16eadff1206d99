import type { Finding, RecordedChange } from '@ztv/store';

/** A stored finding row, as the lifecycle tests need one. */
export function findingRow(over: Partial<Finding> = {}): Finding {
  const t = new Date('2025-11-26T10:00:00.000Z');
  return {
    id: 'fnd_01jdx8f3k2m4n5p6q7r8s9t0vw',
    fingerprint: '3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e',
    ruleId: 'netpol-default-deny-missing',
    severity: 'critical',
    area: 'network',
    cluster: 'prod-eu1',
    namespace: 'payments',
    subject: { namespace: 'payments', kind: 'Namespace', name: 'payments' },
    title: 'Namespace has no default-deny NetworkPolicy',
    message: 'payments has no default-deny policy',
    evidence: { policies: 0 },
    status: 'open',
    suppressedBy: null,
    firstSeenAt: t,
    lastSeenAt: t,
    resolvedAt: null,
    acknowledgedAt: null,
    occurrences: 1,
    reopenCount: 0,
    flapCount: 0,
    quietPeriodSeconds: null,
    lastSignalId: 'sig',
    updatedAt: t,
    ...over,
  };
}

export function change(
  kind: RecordedChange['kind'],
  eventId: number,
  over: Partial<RecordedChange> = {},
): RecordedChange {
  return {
    kind,
    eventId,
    at: new Date('2025-11-26T10:05:00.000Z'),
    actor: 'alerter',
    finding: findingRow(),
    ...over,
  };
}
