import type { EventRule, Violation } from '../../engine/types';
import { deniedFlowSlice, isPolicyDenied, sourceKeyOf } from '../../state/flows';
import { endpointName, endpointSubject, flowEvidence, resolveEndpoint } from './flow-util';
import { podDirectory } from '../../state/pods';

/** More than deniedBurst policy-denied flows from one source within deniedWindowSeconds: lateral-movement probing. */
export const flowDeniedBurst: EventRule = {
  kind: 'event',
  id: 'flow-denied-burst',
  title: 'Burst of policy-denied connections',
  severity: 'medium',
  area: 'flows',
  on: ['flow'],
  slices: [deniedFlowSlice],
  indexes: [podDirectory],
  rationale:
    'Under default-deny, a workload that suddenly hits many denied destinations is scanning: a compromised pod mapping what it can reach. A single denied flow is usually a misconfiguration; a burst is a pattern worth a person\'s attention.',
  resolvesWhen: 'Event-based: resolved by the alerter after the quiet period with no new burst.',
  remediation: {
    manual:
      'Look at the denied destinations in Hubble (`hubble observe --verdict DROPPED --from-pod <ns>/<pod>`); if the workload has no reason to reach them, treat it as compromised (quarantine, rotate its credentials); if it does, add the missing allow rule.',
  },
  references: [
    'https://docs.cilium.io/en/stable/observability/hubble/hubble-cli/',
    'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
  ],
  tags: ['flows', 'MITRE T1046 Network Service Discovery', 'MITRE TA0008 Lateral Movement'],
  thresholds: ['deniedBurst', 'deniedWindowSeconds'],
  check(event, ctx): Violation[] {
    // Only a policy-denied flow is counted, so only one can be the flow that crossed the threshold.
    if (event.type !== 'flow' || !isPolicyDenied(event.data)) return [];
    const key = sourceKeyOf(event.data.source);
    // The slice marks the one event that crossed the threshold: one finding per burst window, not one per flow.
    const burst = key ? ctx.state.slice(deniedFlowSlice).get(key)?.crossed : undefined;
    if (!burst || burst.eventId !== event.id) return [];
    const f = event.data;
    const source = resolveEndpoint(f.source, ctx);
    const src = endpointSubject(source, ctx);
    const who = src ?? endpointSubject(resolveEndpoint(f.destination, ctx), ctx);
    if (!who) return [];
    const c = ctx.config;
    return [
      {
        ...who,
        message: `${endpointName(source)} had ${burst.total} policy-denied flows within ${c.deniedWindowSeconds}s (more than ${c.deniedBurst}).`,
        evidence: {
          subjectIs: src ? 'source' : 'destination (the source is not a known pod)',
          deniedFlows: burst.total,
          deniedBurst: c.deniedBurst,
          windowSeconds: c.deniedWindowSeconds,
          windowStart: new Date(burst.windowStart).toISOString(),
          lastFlow: flowEvidence(event),
        },
      },
    ];
  },
};
