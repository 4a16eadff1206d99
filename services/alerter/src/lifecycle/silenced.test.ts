import { describe, expect, it } from 'vitest';
import { findingFingerprint, signalIdOf, type Signal } from '@ztv/events';
import type { Silence } from '@ztv/store';
import { markSilenced } from './silenced';

function sig(over: Partial<Signal> & { namespace?: string } = {}): Signal {
  const subject = {
    namespace: over.namespace ?? 'payments',
    kind: 'Namespace',
    name: over.namespace ?? 'payments',
  };
  const fingerprint = findingFingerprint(over.ruleId ?? 'netpol-allow-all', 'prod', subject);
  return {
    signalId: signalIdOf('netpol-allow-all', fingerprint, 'e1', 'firing'),
    ruleId: 'netpol-allow-all',
    transition: 'firing',
    severity: 'high',
    area: 'network',
    title: 't',
    message: 'm',
    cluster: 'prod',
    subject,
    fingerprint,
    evidence: {},
    eventId: 'e1',
    eventType: 'k8s.resource',
    time: '2025-11-26T10:00:00.000Z',
    ...over,
  };
}
const silence = (id: string, matchers: Silence['matchers']): Silence => ({
  id,
  matchers,
  startsAt: new Date(0),
  endsAt: new Date(8.64e15),
  createdBy: 'alice',
  comment: 'c',
  createdAt: new Date(0),
});

describe('markSilenced', () => {
  const silences = [
    silence('sil_a', [
      { name: 'namespace', op: '=~', value: 'team-.*' },
      { name: 'severity', op: '!=', value: 'critical' },
    ]),
    silence('sil_b', [{ name: 'ruleId', op: '=', value: 'flow-plaintext' }]),
  ];

  it('marks firing signals that every matcher of a silence matches', () => {
    const [hit, critical, other, rule] = markSilenced(
      [
        sig({ namespace: 'team-a' }),
        sig({ namespace: 'team-a', severity: 'critical' }),
        sig({ namespace: 'payments' }),
        sig({ ruleId: 'flow-plaintext' }),
      ],
      silences,
    );
    expect(hit?.suppressedBy).toBe('silence:sil_a');
    expect(critical?.suppressedBy).toBeUndefined();
    expect(other?.suppressedBy).toBeUndefined();
    expect(rule?.suppressedBy).toBe('silence:sil_b');
  });

  it('anchors regular expressions, keeps a rule exception, and leaves resolved signals alone', () => {
    const [anchored, excepted, resolved] = markSilenced(
      [
        sig({ namespace: 'my-team-a' }),
        sig({ namespace: 'team-a', suppressedBy: 'exc-1' }),
        sig({ namespace: 'team-a', transition: 'resolved' }),
      ],
      silences,
    );
    expect(anchored?.suppressedBy).toBeUndefined();
    expect(excepted?.suppressedBy).toBe('exc-1');
    expect(resolved?.suppressedBy).toBeUndefined();
  });
});
