import type { FlowData, FlowEndpoint } from '@ztv/events';
import { emit, fail } from '../internal/emit';
import { contentId } from '../internal/hash';
import { isRecord, toNumber } from '../internal/json';
import { compact, firstSpiffeId, identityFields, merge, namespaceOfServiceHost, splitHostPort } from '../internal/net';
import { toRfc3339 } from '../internal/time';
import type { ParseContext, ParseItem } from '../types';

const FORMAT = 'envoy-access-log' as const;

/** Istio's SNI for sidecar-to-sidecar mTLS: `outbound_.<port>_.<subset>_.<service FQDN>`. */
const ISTIO_SNI = /^outbound_\.(\d+)_\.[^_]*_\.(.+)$/;
const ERROR_FLAGS = ['UH', 'UF', 'UO', 'NR', 'URX', 'NC', 'UT', 'UC', 'DC', 'LR', 'UPE', 'DPE', 'NFCF', 'OM'];
const RECOGNISED = ['start_time', 'upstream_cluster', 'downstream_remote_address', 'downstream_local_address', 'response_code', 'response_flags'];

/**
 * One Envoy / Istio JSON access-log record → a `flow` event (id: hash of the record). Field names are
 * matched loosely (`upstream_cluster`, `upstreamCluster`, `UPSTREAM_CLUSTER`), `null`, "" and "-" are absent.
 * Direction comes from the upstream cluster (`inbound|` / `outbound|`). Transport security:
 * `mutual` with a peer certificate (downstream_peer_uri_san on inbound, upstream_peer_uri_san on outbound),
 * with connection_security_policy=mutual_tls, or with Istio's mTLS SNI on inbound; `none` for an inbound
 * request with none of these; `tls` for TLS without a peer certificate; otherwise `unknown`.
 */
export function parseEnvoyAccessLog(v: unknown, ctx: ParseContext): ParseItem[] {
  if (!isRecord(v)) return [fail(ctx, FORMAT, 'not an access-log record: expected a JSON object', JSON.stringify(v)?.slice(0, 200))];
  const fields = new Map<string, unknown>();
  for (const [k, x] of Object.entries(v)) fields.set(norm(k), x);
  const get = (name: string): string | undefined => {
    const x = fields.get(norm(name));
    if (typeof x === 'number' || typeof x === 'boolean') return String(x);
    return typeof x === 'string' && x !== '' && x !== '-' ? x : undefined;
  };
  if (!RECOGNISED.some((f) => fields.has(norm(f)))) {
    return [fail(ctx, FORMAT, `not an access-log record: none of ${RECOGNISED.join(', ')}`, JSON.stringify(v).slice(0, 200))];
  }
  const time = toRfc3339(get('start_time')) ?? toRfc3339(get('timestamp')) ?? toRfc3339(get('@timestamp'));
  return [emit(ctx, FORMAT, { type: 'flow', id: `envoy:${contentId(v)}`, time, data: flowOf(get, ctx) })];
}

function flowOf(get: (name: string) => string | undefined, ctx: ParseContext): FlowData {
  // %UPSTREAM_CLUSTER% prints Istio's alt_stat_name (1.23+), which may end in ';': the raw name is what counts.
  const cluster = (get('upstream_cluster_raw') ?? get('upstream_cluster') ?? '').replace(/;+$/, '');
  const local = splitHostPort(get('downstream_local_address'));
  const outbound = cluster.startsWith('outbound|') || cluster === 'PassthroughCluster' || cluster === 'BlackHoleCluster';
  // Traffic into the pod arrives on the pod's own address; everything it sends out was addressed elsewhere.
  const inbound =
    cluster.startsWith('inbound|') || cluster.startsWith('InboundPassthroughCluster') || (!outbound && !!ctx.podIp && local.ip === ctx.podIp);
  const sni = get('requested_server_name');
  const istioSni = sni ? ISTIO_SNI.exec(sni) : null;
  const service = outbound ? cluster.split('|')[3] || undefined : istioSni?.[2];
  const downPeer = firstSpiffeId(get('downstream_peer_uri_san'));
  const upPeer = firstSpiffeId(get('upstream_peer_uri_san'));
  const localId = firstSpiffeId(get('downstream_local_uri_san'));
  const self = compact({ namespace: ctx.namespace, pod: ctx.pod });

  const remote = splitHostPort(get('downstream_remote_address'));
  const upstream = splitHostPort(get('upstream_host'));
  const svc = compact({ dnsNames: service ? [service] : undefined, namespace: namespaceOfServiceHost(service) });
  let source: FlowEndpoint;
  let destination: FlowEndpoint;
  if (inbound) {
    source = merge<FlowEndpoint>(identityFields(downPeer), remote);
    destination = merge<FlowEndpoint>(identityFields(localId), svc, local, self);
  } else if (outbound) {
    source = merge<FlowEndpoint>(remote, self);
    destination = merge<FlowEndpoint>(identityFields(upPeer), svc, upstream.ip ? upstream : local);
  } else {
    source = merge<FlowEndpoint>(remote);
    destination = merge<FlowEndpoint>(local);
  }

  const policy = get('connection_security_policy');
  const tlsVersion = inbound ? get('downstream_tls_version') : outbound ? get('upstream_tls_version') : undefined;
  const peer = inbound ? downPeer : outbound ? upPeer : undefined;
  let mode: FlowData['mtls']['mode'] = 'unknown';
  if (peer || policy === 'mutual_tls' || (inbound && istioSni)) mode = 'mutual';
  else if (tlsVersion) mode = 'tls';
  else if (inbound || policy === 'none') mode = 'none';

  const flags = (get('response_flags') ?? '').split(',');
  const details = `${get('response_code_details') ?? ''} ${get('connection_termination_details') ?? ''}`;
  const refusal = details.includes('rbac_access_denied')
    ? 'RBAC_ACCESS_DENIED'
    : flags.includes('UAEX')
      ? 'EXT_AUTHZ_DENIED'
      : cluster === 'BlackHoleCluster'
        ? 'BLACKHOLE_CLUSTER'
        : undefined;
  const errorFlags = flags.filter((f) => ERROR_FLAGS.includes(f));
  const method = get('method');
  const code = toNumber(get('response_code'));
  return {
    verdict: refusal ? 'denied' : errorFlags.length ? 'error' : 'forwarded',
    ...(refusal || errorFlags.length ? { dropReason: refusal ?? errorFlags.join(',') } : {}),
    direction: inbound ? 'ingress' : outbound ? 'egress' : 'unknown',
    reporter: inbound ? 'sidecar-inbound' : outbound ? 'sidecar-outbound' : 'other',
    source,
    destination,
    protocol: method ? 'HTTP' : inbound || outbound ? 'TCP' : 'unknown',
    ...(method
      ? { l7: compact({ type: 'http', method, url: get('path'), code: code && Number.isInteger(code) ? code : undefined }) }
      : {}),
    mtls: compact({ mode, peerPrincipal: peer, tlsVersion, sni }),
    count: 1,
  };
}

function norm(k: string): string {
  return k.toLowerCase().replace(/[^a-z0-9@]/g, '');
}
