import type { AuditData } from '@ztv/events';
import type { EventRule, Violation } from '../../engine/types';
import type { StateSlice } from '../../state/cluster-state';
import { actingPrincipal, principalAllowed, wasRefused } from './audit-util';

/** Streaming pod subresources: a session into the pod's containers or network namespace. */
const streaming = new Map([
  ['exec', 'exec'],
  ['attach', 'attach'],
  ['portforward', 'port-forward'],
]);
/** auditIDs remembered (FIFO) to match a session's ResponseComplete to its ResponseStarted. */
const MAX_SESSIONS = 4096;

/**
 * auditIDs of streaming sessions already reported at ResponseStarted. The API server logs a long-running request
 * twice (ResponseStarted when the 101 upgrade is sent, ResponseComplete when the stream closes, possibly hours later):
 * the rule reports the first stage it sees, and ResponseComplete only if ResponseStarted was not logged.
 */
export const streamSessionSlice: StateSlice<{ ids: Set<string>; order: string[] }> = {
  name: 'audit-stream-sessions',
  on: ['k8s.audit'],
  init: () => ({ ids: new Set(), order: [] }),
  apply(s, e) {
    if (e.type !== 'k8s.audit' || e.data.stage !== 'ResponseStarted') return;
    if (s.ids.has(e.data.auditID)) return;
    s.ids.add(e.data.auditID);
    s.order.push(e.data.auditID);
    if (s.order.length > MAX_SESSIONS) s.ids.delete(s.order.shift() as string);
  },
};

/** The request URI's query (empty when it has none). */
function queryOf(uri: string): URLSearchParams {
  const q = uri.indexOf('?');
  return new URLSearchParams(q < 0 ? '' : uri.slice(q + 1));
}

/** What the event did to the pod ('exec', 'attach', 'port-forward', 'ephemeral container'), or undefined. */
function action(a: AuditData): string | undefined {
  const ref = a.objectRef;
  if (ref?.resource !== 'pods' || !ref.subresource) return undefined;
  const kind = streaming.get(ref.subresource);
  // kubectl uses POST (verb create) over SPDY; websocket clients GET (verb get). Either way 101 means it started.
  if (kind) return a.verb === 'create' || a.verb === 'get' ? kind : undefined;
  if (ref.subresource === 'ephemeralcontainers' && (a.verb === 'update' || a.verb === 'patch')) return 'ephemeral container';
  return undefined;
}

/** An exec / attach / port-forward / ephemeral container into a pod, outside the allowed namespaces and principals. */
export const execIntoWorkload: EventRule = {
  kind: 'event',
  id: 'exec-into-workload',
  title: 'Interactive access into a workload',
  severity: 'medium',
  area: 'audit',
  on: ['k8s.audit'],
  slices: [streamSessionSlice],
  rationale:
    'Exec, attach, port-forward and debug containers bypass the workload\'s network policy and identity boundaries: a shell in a pod holds its ServiceAccount token and its SVID. In a zero-trust cluster they are break-glass actions that someone should see.',
  resolvesWhen: 'Event-based: resolved by the alerter after the quiet period with no new occurrence.',
  remediation: {
    manual:
      'Confirm with the principal why they needed interactive access; if it was not expected, treat the pod as compromised. Restrict `pods/exec`, `pods/attach`, `pods/portforward` and `pods/ephemeralcontainers` in RBAC to a break-glass group, and allow-list legitimate namespaces or principals in execAllowedNamespaces / execAllowedPrincipals.',
  },
  references: [
    'https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/',
    'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
    'https://kubernetes.io/docs/tasks/debug/debug-application/debug-running-pod/#ephemeral-container',
  ],
  tags: ['audit', 'MITRE T1609 Container Administration Command'],
  thresholds: ['execAllowedNamespaces', 'execAllowedPrincipals'],
  check(event, ctx): Violation[] {
    if (event.type !== 'k8s.audit') return [];
    const a = event.data;
    const what = action(a);
    if (!what || wasRefused(a)) return [];
    const isStream = what !== 'ephemeral container';
    if (a.stage === 'ResponseComplete') {
      if (isStream && ctx.state.slice(streamSessionSlice).ids.has(a.auditID)) return [];
    } else if (!(a.stage === 'ResponseStarted' && isStream)) return [];
    const ns = a.objectRef?.namespace;
    const name = a.objectRef?.name;
    const principal = actingPrincipal(a);
    if (!ns || !name || ctx.config.execAllowedNamespaces.includes(ns) || principalAllowed(ctx.config.execAllowedPrincipals, principal)) return [];
    const pod = ctx.state.resources.get('Pod', ns, name);
    const owner = pod?.metadata.ownerReferences?.find((o) => o.controller);
    const query = queryOf(a.requestURI);
    const command = query.getAll('command');
    const containers = [...new Set(query.getAll('container'))];
    const ports = query.getAll('ports');
    const debug = ((a.requestObject?.spec as { ephemeralContainers?: Record<string, unknown>[] } | undefined)?.ephemeralContainers ?? []).map(
      (c) => ({ name: c.name, image: c.image, command: c.command, targetContainerName: c.targetContainerName }),
    );
    const target = `pod ${ns}/${name}`;
    const did = {
      exec: `exec'd into ${target}${command.length ? ` running "${command.join(' ')}"` : ''}`,
      attach: `attached to ${target}`,
      'port-forward': `port-forwarded to ${target}${ports.length ? ` port ${ports.join(',')}` : ''}`,
      'ephemeral container': `added an ephemeral container to ${target}`,
    }[what];
    return [
      {
        subject: { namespace: ns, kind: 'Pod', name },
        ...(pod ? { object: { labels: pod.metadata.labels ?? {}, annotations: pod.metadata.annotations ?? {} } } : {}),
        principal,
        message: `${principal ?? 'An unknown principal'} ${did}.`,
        evidence: {
          auditID: a.auditID,
          action: what,
          verb: a.verb,
          stage: a.stage,
          responseCode: a.responseStatus?.code ?? null,
          ...(command.length ? { command: command.join(' ') } : {}),
          ...(containers.length ? { container: containers.join(',') } : {}),
          ...(ports.length ? { ports } : {}),
          ...(debug.length ? { ephemeralContainers: debug } : {}),
          tty: query.getAll('tty').includes('true'),
          user: a.user.username,
          ...(a.impersonatedUser?.username ? { impersonatedUser: a.impersonatedUser.username } : {}),
          groups: a.user.groups ?? [],
          sourceIPs: a.sourceIPs ?? [],
          ...(a.userAgent ? { userAgent: a.userAgent } : {}),
          ...(owner ? { ownerKind: owner.kind, ownerName: owner.name } : {}),
          requestURI: a.requestURI,
          at: a.stageTimestamp ?? a.requestReceivedTimestamp ?? event.time,
        },
      },
    ];
  },
};
