import type { FlowData } from '@ztv/events';
import type { EventRule, Violation } from '../../engine/types';
import { AUTH_DROPS_TOLERATED, authDropSlice, isAuthRequiredDrop, pairKeyOf } from '../../state/flows';
import { endpointName, endpointSubject, flowEvidence, resolveEndpoint } from './flow-util';
import { podDirectory } from '../../state/pods';

/**
 * Why a flow counts as a connection without mTLS into a meshed workload; undefined when it does not.
 * `authFailing`: this flow is the one that took its pair past AUTH_DROPS_TOLERATED AUTH_REQUIRED drops.
 */
export function plaintextReason(f: FlowData, authFailing: boolean): string | undefined {
  if (f.isReply) return undefined;
  const { mode } = f.mtls;
  // The inbound side of a mesh proxy (a sidecar, or ztunnel for ambient) sees whether the client presented a mesh
  // certificate: `none` is plaintext, `tls` is TLS without a client certificate (no peer identity either).
  const inbound = f.reporter === 'sidecar-inbound' || (f.reporter === 'ztunnel' && f.direction === 'ingress');
  if (inbound) {
    if (mode === 'none') return 'no TLS on a connection into a meshed workload';
    if (mode === 'tls') return 'TLS without a client certificate (no peer identity) into a meshed workload';
    return undefined;
  }
  // Hubble cannot see inside Istio's mTLS: it speaks only where Cilium mutual authentication was required.
  if (f.reporter !== 'hubble' || f.mtls.authRequired !== true) return undefined;
  if (isAuthRequiredDrop(f)) {
    // The first drops of a new identity pair are the handshake in progress (by design); more mean it is failing.
    return authFailing ? `Cilium mutual authentication was required and kept failing (more than ${AUTH_DROPS_TOLERATED} AUTH_REQUIRED drops)` : undefined;
  }
  if (mode === 'none') return `${f.verdict} without Cilium mutual authentication where policy requires it`;
  return undefined; // `unknown`: Hubble could not tell
}

/** A connection into or between meshed workloads carried no mTLS. */
export const flowPlaintext: EventRule = {
  kind: 'event',
  id: 'flow-plaintext',
  title: 'Plaintext connection into the mesh',
  severity: 'high',
  area: 'flows',
  on: ['flow'],
  slices: [authDropSlice],
  indexes: [podDirectory],
  rationale:
    'Zero trust means every connection is authenticated and encrypted with workload identity. A plaintext connection reaching a meshed workload shows PERMISSIVE (or DISABLE) mTLS in effect, or a client outside the mesh, and can be read, replayed or spoofed on the network.',
  resolvesWhen: 'Event-based: resolved by the alerter after the quiet period with no new occurrence.',
  remediation: {
    playbook: 'enforce-strict-mtls',
    manual:
      'Enrol the client in the mesh (sidecar injection or ambient), then set PeerAuthentication mtls.mode STRICT for the destination; for Cilium mutual authentication check the SPIRE agent on both nodes and the auth logs.',
  },
  references: [
    'https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/',
    'https://istio.io/latest/docs/reference/config/security/peer_authentication/',
    'https://docs.cilium.io/en/stable/network/servicemesh/mutual-authentication/mutual-authentication/',
  ],
  tags: ['flows', 'mtls', 'MITRE T1040 Network Sniffing'],
  check(event, ctx): Violation[] {
    if (event.type !== 'flow') return [];
    const f = event.data;
    const pair = isAuthRequiredDrop(f) ? pairKeyOf(f) : undefined;
    const crossed = pair ? ctx.state.slice(authDropSlice).get(pair)?.crossed : undefined;
    const why = plaintextReason(f, crossed?.eventId === event.id);
    if (!why) return [];
    const source = resolveEndpoint(f.source, ctx);
    const destination = resolveEndpoint(f.destination, ctx);
    const src = endpointSubject(source, ctx);
    const who = src ?? endpointSubject(destination, ctx);
    if (!who) return [];
    const from = endpointName(source);
    const to = `${endpointName(destination)}${destination.port !== undefined ? `:${destination.port}` : ''}`;
    const did = f.verdict === 'forwarded' ? 'connected to' : 'tried to connect to';
    return [
      {
        ...who,
        message: src
          ? `${from} ${did} ${to} without mTLS: ${why}.`
          : `A client that is not a known pod (${from}) ${did} ${to} without mTLS: ${why}.`,
        evidence: {
          subjectIs: src ? 'source' : 'destination (the source is not a known pod)',
          ...(crossed && crossed.eventId === event.id ? { authRequiredDrops: crossed.total, since: new Date(crossed.windowStart).toISOString() } : {}),
          reason: why,
          peerPrincipal: f.mtls.peerPrincipal ?? f.source.principal ?? null,
          ...flowEvidence(event),
        },
      },
    ];
  },
};
