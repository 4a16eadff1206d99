import { clockEvent, type AuditEvent, type ClockEvent } from '@ztv/events';
import { rec, str } from '../internal/json';
import { secondsBetween, toRfc3339 } from '../internal/time';

const NODE_LEASE_NAMESPACE = 'kube-node-lease';
const WRITE_VERBS = new Set(['create', 'update', 'patch']);

/**
 * A kubelet renewing its node Lease, seen in an audit event at Request level or above, as a clock reading
 * that needs no agent on the node: the kubelet stamps `spec.renewTime` from its own clock and the apiserver
 * stamps `requestReceivedTimestamp` from its clock, so offset = renewTime − requestReceivedTimestamp.
 * The reading is biased low by the request's network latency (milliseconds), which is far below what
 * clock-drift cares about. Only leases in kube-node-lease count, and only when written by that node itself
 * (`system:node:<name>`): any other writer's clock says nothing about the node's.
 */
export function leaseRenewalToClock(e: AuditEvent): ClockEvent | undefined {
  const d = e.data;
  const ref = d.objectRef;
  if (!ref || ref.resource !== 'leases' || ref.namespace !== NODE_LEASE_NAMESPACE || !ref.name) return undefined;
  if (ref.apiGroup !== undefined && ref.apiGroup !== 'coordination.k8s.io') return undefined;
  if (!WRITE_VERBS.has(d.verb) || ref.subresource) return undefined;
  const node = ref.name;
  const user = d.user.username;
  if (user !== undefined && user !== `system:node:${node}`) return undefined;

  const renewTime = toRfc3339(str(rec(d.requestObject, 'spec'), 'renewTime'));
  const received = toRfc3339(d.requestReceivedTimestamp);
  if (!renewTime || !received) return undefined;
  const offsetSeconds = secondsBetween(renewTime, received);
  if (offsetSeconds === undefined) return undefined;

  const r = clockEvent.safeParse({
    id: `${node}@${received}/lease`,
    type: 'clock',
    cluster: e.cluster,
    source: 'lease',
    time: received,
    observedAt: e.observedAt,
    data: { node, offsetSeconds, synchronized: null, method: 'lease' },
  });
  return r.success ? r.data : undefined;
}
