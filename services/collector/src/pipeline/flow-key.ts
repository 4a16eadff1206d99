import type { FlowData, FlowEndpoint } from '@ztv/events';

/**
 * What makes two flows "identical" for aggregation: the workloads on both sides, the service port, the verdict
 * (and drop reason), the transport security (mode and peer principal), plus who reported it in which direction
 * and over which protocol. Addresses, ephemeral ports, pod replicas and L7 details are not part of it.
 * For a reply the service port is the source port, so replies of one connection aggregate too.
 */
export function flowAggregateKey(d: FlowData): string {
  const port = d.isReply ? d.source.port : d.destination.port;
  return [
    workloadOf(d.source),
    workloadOf(d.destination),
    port ?? '',
    d.protocol,
    d.verdict,
    d.dropReason ?? '',
    d.mtls.mode,
    d.mtls.peerPrincipal ?? '',
    d.mtls.authRequired ? 'auth' : '',
    d.direction,
    d.reporter,
    d.isReply ? 'reply' : '',
  ].join('|');
}

/** `<namespace>/<workload>`: the owning workload where known, else the pod name without its generated suffix. */
export function workloadOf(ep: FlowEndpoint): string {
  const name =
    ep.workload ??
    (ep.pod ? podWorkload(ep.pod) : undefined) ??
    ep.serviceAccount ??
    (ep.reserved?.length ? ep.reserved.join(',') : undefined) ??
    ep.dnsNames?.[0] ??
    ep.ip ??
    '?';
  return `${ep.namespace ?? ''}/${name}`;
}

/**
 * A pod name without what its controller generated: `reviews-v1-545db77b95-s6jb8` (Deployment → ReplicaSet hash
 * + suffix) → `reviews-v1`, `web-0` (StatefulSet ordinal) → `web`, `fluentd-x7k2p` (DaemonSet / Job) → `fluentd`.
 */
export function podWorkload(pod: string): string {
  const deployment = /^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$/.exec(pod);
  if (deployment?.[1]) return deployment[1];
  const statefulSet = /^(.+)-\d+$/.exec(pod);
  if (statefulSet?.[1]) return statefulSet[1];
  const generated = /^(.+)-[a-z0-9]{5}$/.exec(pod);
  if (generated?.[1] && /\d/.test(pod.slice(-5))) return generated[1];
  return pod;
}
