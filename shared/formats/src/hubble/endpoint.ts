import type { FlowEndpoint } from '@ztv/events';
import { arr, isRecord, num, rec, str, strArray, type JsonRecord } from '../internal/json';

/**
 * A Hubble endpoint (`flow.source` / `flow.destination`) with the flow's address and port for that side.
 * Cilium labels come as `<source>:<key>=<value>`: `k8s:` labels lose the prefix (`k8s:app=x` → app=x),
 * `reserved:` ones (host, world, kube-apiserver, ...) go to `reserved`, other sources keep theirs.
 */
export function hubbleEndpoint(ep: JsonRecord | undefined, ip: string | undefined, port: number | undefined, names: string[]): FlowEndpoint {
  const labels: Record<string, string> = {};
  const reserved: string[] = [];
  for (const raw of strArray(ep?.labels)) {
    const colon = raw.indexOf(':');
    const source = colon < 0 ? '' : raw.slice(0, colon);
    const rest = colon < 0 ? raw : raw.slice(colon + 1);
    const eq = rest.indexOf('=');
    const key = eq < 0 ? rest : rest.slice(0, eq);
    const value = eq < 0 ? '' : rest.slice(eq + 1);
    if (source === 'reserved') reserved.push(`reserved:${key}`);
    else if (source === 'k8s') labels[key] = value;
    else labels[source ? `${source}:${key}` : key] = value;
  }
  const workload = arr(ep, 'workloads')?.find(isRecord);
  const out: FlowEndpoint = {
    namespace: str(ep, 'namespace') ?? labels['io.kubernetes.pod.namespace'],
    pod: str(ep, 'pod_name'),
    workload: str(workload, 'name'),
    workloadKind: str(workload, 'kind'),
    serviceAccount: labels['io.cilium.k8s.policy.serviceaccount'],
    labels: Object.keys(labels).length ? labels : undefined,
    ip,
    port: port !== undefined && Number.isInteger(port) && port >= 0 && port <= 65535 ? port : undefined,
    identity: integer(num(ep, 'identity')),
    reserved: reserved.length ? reserved : undefined,
    dnsNames: names.length ? names : undefined,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as FlowEndpoint;
}

/** Source and destination ports of the flow's L4 header, whichever transport it is. */
export function l4Ports(flow: JsonRecord): { protocol: string | undefined; src: number | undefined; dst: number | undefined } {
  const l4 = rec(flow, 'l4');
  for (const p of ['TCP', 'UDP', 'SCTP'] as const) {
    const h = rec(l4, p);
    if (h) return { protocol: p, src: num(h, 'source_port'), dst: num(h, 'destination_port') };
  }
  for (const p of ['ICMPv4', 'ICMPv6'] as const) if (rec(l4, p)) return { protocol: p, src: undefined, dst: undefined };
  return { protocol: undefined, src: undefined, dst: undefined };
}

function integer(n: number | undefined): number | undefined {
  return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
}
