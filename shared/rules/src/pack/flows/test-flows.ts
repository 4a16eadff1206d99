import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FlowData, FlowEndpoint, FlowEvent } from '@ztv/events';
import { event } from '../../testing';
import { fixtures } from '../identity/test-certs';

/* Test helpers: fixture flows (Istio sidecar access log, Hubble exporter) normalized the way the collector does. */

export function jsonLines(rel: string): Record<string, unknown>[] {
  return readFileSync(resolve(fixtures, rel), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const hostPort = (s: string) => {
  const i = s.lastIndexOf(':');
  return { ip: s.slice(0, i), port: Number(s.slice(i + 1)) };
};

const kubeIdentity = (p: string | undefined): FlowEndpoint => {
  const m = p ? /^spiffe:\/\/[^/]+\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(p) : null;
  return p ? { principal: p, ...(m ? { namespace: m[1], serviceAccount: m[2] } : {}) } : {};
};

/**
 * An Envoy (Istio sidecar) JSON access-log entry as a flow, the way @ztv/formats reads it: `inbound|` upstream
 * clusters (or the pod's own address, for a connection that found no route) are the inbound listener; the peer is
 * known only by its address and the SPIFFE ID it presented; an Istio mTLS connection carries the
 * `outbound_.<port>_._.<host>` SNI. `self` is the pod whose sidecar wrote the log.
 */
export function envoyFlow(entry: Record<string, unknown>, self: { namespace: string; pod: string; ip: string }, peerPrincipal?: string): FlowEvent {
  const src = hostPort(String(entry.downstream_remote_address));
  const dst = hostPort(String(entry.downstream_local_address));
  const cluster = String(entry.upstream_cluster);
  const inbound = cluster.startsWith('inbound|') || (!cluster.startsWith('outbound|') && dst.ip === self.ip);
  const sni = entry.requested_server_name as string | null;
  const me = { namespace: self.namespace, pod: self.pod };
  const data: FlowData = {
    verdict: 'forwarded',
    direction: inbound ? 'ingress' : 'egress',
    reporter: inbound ? 'sidecar-inbound' : 'sidecar-outbound',
    source: inbound ? { ...kubeIdentity(peerPrincipal), ...src } : { ...src, ...me },
    destination: inbound ? { ...dst, ...me } : { ...kubeIdentity(peerPrincipal), ...dst },
    protocol: entry.protocol ? 'HTTP' : 'TCP',
    mtls: { mode: peerPrincipal || sni?.startsWith('outbound_') ? 'mutual' : inbound ? 'none' : 'unknown', ...(sni ? { sni } : {}), ...(peerPrincipal ? { peerPrincipal } : {}) },
    count: 1,
  };
  return event('flow', data, { time: String(entry.start_time), source: 'envoy-als' });
}

/** A running Pod as the watch reports it, with its IP, owned through a ReplicaSet by a Deployment. */
export function runningPod(o: { namespace: string; name: string; ip: string; deployment?: string; serviceAccount?: string; annotations?: Record<string, string> }) {
  const hash = o.name.split('-').slice(-2, -1)[0] ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: o.name,
      namespace: o.namespace,
      labels: { app: o.deployment ?? o.name, 'pod-template-hash': hash },
      ...(o.annotations ? { annotations: o.annotations } : {}),
      ...(o.deployment ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${o.deployment}-${hash}`, uid: `rs-${o.name}`, controller: true }] } : {}),
    },
    spec: { ...(o.serviceAccount ? { serviceAccountName: o.serviceAccount } : {}), containers: [{ name: 'app', image: 'docker.io/istio/examples-bookinfo-details-v1:1.20.2' }] },
    status: { phase: 'Running', podIP: o.ip, podIPs: [{ ip: o.ip }] },
  };
}

/** A Hubble exporter line (`{"flow": {...}}`) as a flow. */
export function hubbleFlow(line: Record<string, unknown>, over: Partial<FlowData> = {}, time?: string): FlowEvent {
  const f = line.flow as {
    time: string;
    verdict: string;
    drop_reason_desc?: string;
    IP: { source: string; destination: string };
    l4?: { TCP?: { source_port: number; destination_port: number } };
    source: { namespace?: string; pod_name?: string };
    destination: { namespace?: string; pod_name?: string };
  };
  const ep = (e: { namespace?: string; pod_name?: string }, ip: string, port?: number): FlowEndpoint => ({
    ...(e.namespace ? { namespace: e.namespace } : {}),
    ...(e.pod_name ? { pod: e.pod_name } : {}),
    ip,
    ...(port !== undefined ? { port } : {}),
  });
  const data: FlowData = {
    verdict: f.verdict.toLowerCase() as FlowData['verdict'],
    ...(f.drop_reason_desc ? { dropReason: f.drop_reason_desc } : {}),
    direction: 'ingress',
    reporter: 'hubble',
    source: ep(f.source, f.IP.source, f.l4?.TCP?.source_port),
    destination: ep(f.destination, f.IP.destination, f.l4?.TCP?.destination_port),
    protocol: f.l4?.TCP ? 'TCP' : 'unknown',
    mtls: { mode: 'unknown' },
    count: 1,
    ...over,
  };
  return event('flow', data, { time: time ?? f.time, source: 'hubble' });
}
