import type { NotifiedFinding, NotifyDeliverPayload } from '@ztv/jobs';

/** Shared by the notify tests: one realistic finding and a payload around it. */
export function sampleFinding(over: Partial<NotifiedFinding> = {}): NotifiedFinding {
  return {
    id: 'fnd_01jdx8f3k2m4n5p6q7r8s9t0vw',
    fingerprint: '3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e',
    ruleId: 'netpol-default-deny-missing',
    title: 'Namespace has no default-deny NetworkPolicy',
    message:
      'Namespace prod has no NetworkPolicy that selects all pods and denies ingress and egress by default.',
    severity: 'high',
    area: 'network',
    cluster: 'prod-eu1',
    subject: { namespace: 'prod', kind: 'Namespace', name: 'prod' },
    evidence: { policies: 3, selectingAllPods: ['allow-dns'], denies: { ingress: false, egress: false } },
    firstSeen: '2025-11-26T10:00:00.000Z',
    lastSeen: '2025-11-26T12:05:00.000Z',
    ...over,
  };
}

export function samplePayload(over: Partial<NotifyDeliverPayload> = {}): NotifyDeliverPayload {
  return {
    receiver: 'oncall',
    integration: 'slack',
    integrationIndex: 0,
    kind: 'trigger',
    transitionSeq: 1,
    at: '2025-11-26T12:05:00.000Z',
    finding: sampleFinding(),
    ...over,
  };
}

export const dashboardUrl = 'https://ztv.example.com';
