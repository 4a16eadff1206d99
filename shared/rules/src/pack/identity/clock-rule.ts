import type { RuleContext, RuleMeta, StateRule, Violation } from '../../engine/types';
import { certSlice } from '../../state/certs';
import { clockSlice, effectiveReading, type ClockReading } from '../../state/clocks';

export type ClockFinding = Omit<Violation, 'subject' | 'object'>;

/** A reading as evidence. */
export function readingEvidence(r: ClockReading): Record<string, unknown> {
  const d = r.data;
  return {
    method: d.method,
    offsetSeconds: d.offsetSeconds,
    synchronized: d.synchronized,
    ...(d.maxErrorSeconds !== undefined ? { maxErrorSeconds: d.maxErrorSeconds } : {}),
    ...(d.stratum !== undefined ? { stratum: d.stratum } : {}),
    ...(d.referenceId ? { referenceId: d.referenceId } : {}),
    ...(d.leapStatus ? { leapStatus: d.leapStatus } : {}),
    readingAt: new Date(r.at).toISOString(),
    eventId: r.eventId,
  };
}

/**
 * A state rule per node (subject `{ node }`): re-checked on the node's clock readings and when its Node is deleted
 * (which forgets it, so a finding resolves). `find` sees the node's effective reading (see effectiveReading).
 */
export function clockRule(meta: Omit<RuleMeta, 'slices'> & { timeDependent?: boolean }, find: (r: ClockReading, ctx: RuleContext) => ClockFinding | undefined): StateRule {
  return {
    ...meta,
    kind: 'state',
    on: ['clock', 'k8s.resource'],
    // The cert slice: clock-drift's critical bound is the shortest SVID lifetime seen.
    slices: [clockSlice, certSlice],
    resourceKinds: ['Node'],
    scopesFor(event) {
      if (event.type === 'clock') return [event.data.node];
      if (event.type === 'k8s.resource' && event.data.kind === 'Node' && event.data.op === 'delete') return [event.data.name];
      return [];
    },
    allScopes: (ctx) => [...ctx.state.slice(clockSlice).keys()],
    check(node, ctx) {
      const n = ctx.state.slice(clockSlice).get(node);
      const reading = n && effectiveReading(n, ctx.config);
      const f = reading && find(reading, ctx);
      if (!f) return [];
      const obj = ctx.state.resources.get('Node', undefined, node);
      return [{ subject: { node }, ...(obj ? { object: { labels: obj.metadata.labels ?? {}, annotations: obj.metadata.annotations ?? {} } } : {}), ...f }];
    },
  };
}
