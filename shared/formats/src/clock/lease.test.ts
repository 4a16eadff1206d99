import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { auditEvent, type AuditEvent } from '@ztv/events';
import { parseText } from '../engine/parse-text';
import { ctx, expectWellFormed, local, ofType } from '../test-support/fixtures';
import { leaseRenewalToClock } from './lease';

const khi = parse(local('k8s-audit/khi-lease-update-requestresponse.yaml')) as Record<string, unknown> & {
  objectRef: Record<string, unknown>;
  requestObject: { spec: Record<string, unknown> };
};

/** The khi event, moved to a kubelet renewing node `worker-4`'s Lease. */
function nodeLease(changes: { renewTime?: string; user?: string; level?: string; verb?: string } = {}) {
  const e = structuredClone(khi);
  e.objectRef = { ...e.objectRef, namespace: 'kube-node-lease', name: 'worker-4' };
  e.user = { username: changes.user ?? 'system:node:worker-4', groups: ['system:nodes'] };
  e.verb = changes.verb ?? 'update';
  if (changes.level) e.level = changes.level;
  if (changes.renewTime) e.requestObject = { ...e.requestObject, spec: { ...e.requestObject.spec, renewTime: changes.renewTime } };
  if (changes.level === 'Metadata') delete (e as Partial<typeof e>).requestObject;
  return e;
}

const audit = (o: unknown): AuditEvent =>
  auditEvent.parse({ id: 'x', type: 'k8s.audit', cluster: 'c', source: 's', time: '2025-04-01T13:33:59Z', observedAt: '2025-04-01T13:34:00Z', data: o });

describe('leaseRenewalToClock', () => {
  it('reads no clock from the kube-scheduler lease in kube-system (the khi fixture)', () => {
    expect(leaseRenewalToClock(audit(khi))).toBeUndefined();
  });
  it('reads renewTime − requestReceivedTimestamp from a kubelet node-lease update', () => {
    const clock = leaseRenewalToClock(audit(nodeLease()));
    expect(clock?.data).toEqual({ node: 'worker-4', offsetSeconds: -0.002458, synchronized: null, method: 'lease' });
    expect(clock?.id).toBe('worker-4@2025-04-01T13:33:59.447869Z/lease');
    expect(clock?.source).toBe('lease');
    expect(clock?.time).toBe('2025-04-01T13:33:59.447869Z');
  });
  it('sees a kubelet whose clock runs 2.5 s ahead', () => {
    const clock = leaseRenewalToClock(audit(nodeLease({ renewTime: '2025-04-01T13:34:01.950411Z' })));
    expect(clock?.data.offsetSeconds).toBeCloseTo(2.502542, 6);
  });
  it('ignores leases written by anyone but the node itself, reads, and Metadata-level events', () => {
    expect(leaseRenewalToClock(audit(nodeLease({ user: 'system:node:worker-5' })))).toBeUndefined();
    expect(leaseRenewalToClock(audit(nodeLease({ verb: 'get' })))).toBeUndefined();
    expect(leaseRenewalToClock(audit(nodeLease({ level: 'Metadata' })))).toBeUndefined();
  });
  it('is emitted beside the audit event when reading an audit log', () => {
    const r = parseText(`${JSON.stringify(nodeLease())}\n`, ctx({ file: 'audit.log' }));
    expectWellFormed(r);
    expect(r.events.map((e) => e.type)).toEqual(['k8s.audit', 'clock']);
    expect(ofType(r.events, 'clock')[0]?.data.node).toBe('worker-4');
  });
});
