import { certSlice } from '../../state/certs';
import { humanDuration } from './cert-rule';
import { clockRule, readingEvidence } from './clock-rule';

/** Above this fraction of the shortest SVID lifetime, drift breaks certificate validity windows: critical. */
const CRITICAL_FRACTION_OF_SVID_TTL = 0.1;

/**
 * A node's clock is off by more than maxClockOffsetSeconds. Lease-derived offsets carry API and network latency, so
 * they count only above leaseClockToleranceSeconds too.
 */
export const clockDrift = clockRule(
  {
    id: 'clock-drift',
    title: 'Node clock drift',
    severity: 'high',
    area: 'clock',
    rationale:
      'Short-lived identities only work if clocks agree: a node that is ahead rejects fresh certificates as not yet valid and a node that is behind accepts expired ones. Audit timestamps and token expiry depend on it too.',
    resolvesWhen: 'A later reading from the node is within the threshold, or the Node is deleted.',
    remediation: {
      playbook: 'cordon-node',
      manual:
        'Cordon the node so no new workloads land on it, then fix time synchronisation (chronyc sources / tracking; check the NTP servers are reachable) and uncordon once the offset is back within bounds.',
    },
    references: [
      'https://chrony-project.org/doc/4.5/chronyc.html',
      'https://kubernetes.io/docs/concepts/architecture/leases/',
      'https://man7.org/linux/man-pages/man2/adjtimex.2.html',
    ],
    tags: ['clock', 'identity', 'MITRE T1070.006 Indicator Removal: Timestomp'],
    thresholds: ['maxClockOffsetSeconds', 'leaseClockToleranceSeconds', 'preciseClockReadingMaxAgeSeconds', 'maxSvidTtlSeconds'],
    // The critical bound follows the certificate state, which changes without a clock event.
    timeDependent: true,
  },
  (r, ctx) => {
    const c = ctx.config;
    const offset = Math.abs(r.data.offsetSeconds);
    const limit = r.data.method === 'lease' ? Math.max(c.maxClockOffsetSeconds, c.leaseClockToleranceSeconds) : c.maxClockOffsetSeconds;
    if (offset <= limit) return undefined;
    const shortest = ctx.state.slice(certSlice).shortestSvidTtlSeconds;
    const ttl = shortest ?? c.maxSvidTtlSeconds;
    const criticalAbove = CRITICAL_FRACTION_OF_SVID_TTL * ttl;
    const way = r.data.offsetSeconds > 0 ? 'ahead' : 'behind';
    return {
      message: `Node ${r.data.node}'s clock is ${offset < 60 ? `${offset.toFixed(3)}s` : humanDuration(offset)} ${way} (${r.data.method}), above the ${limit}s limit.`,
      ...(offset > criticalAbove ? { severity: 'critical' as const } : {}),
      evidence: {
        ...readingEvidence(r),
        limitSeconds: limit,
        criticalAboveSeconds: criticalAbove,
        svidTtlSeconds: ttl,
        svidTtlFrom: shortest !== undefined ? 'shortest SVID lifetime seen' : 'maxSvidTtlSeconds',
      },
    };
  },
);
