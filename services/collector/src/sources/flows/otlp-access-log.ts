import { anyValue, attributes, type OtlpLogRecord } from './otlp-decode';

type Json = Record<string, unknown>;

/** Where an Envoy sidecar runs: from the Istio node id or OpenTelemetry's k8s.* resource attributes. */
export interface ProxyOrigin {
  namespace?: string;
  pod?: string;
  podIp?: string;
}

/**
 * Istio names a sidecar's Envoy node `sidecar~<pod IP>~<pod>.<namespace>~<namespace>.svc.cluster.local`; Envoy's
 * OpenTelemetry access logger puts it in the `node_name` resource attribute (with cluster_name, zone_name,
 * log_name) unless built-in labels are disabled.
 */
export function proxyOrigin(resource: Json): ProxyOrigin {
  const out: ProxyOrigin = {};
  const node = typeof resource.node_name === 'string' ? resource.node_name : undefined;
  const m = node ? /^(?:sidecar|router|waypoint)~([^~]+)~([^~.]+)\.([^~]+)~/.exec(node) : null;
  if (m) {
    out.podIp = m[1];
    out.pod = m[2];
    out.namespace = m[3];
  }
  const str = (k: string) => (typeof resource[k] === 'string' && resource[k] !== '' ? (resource[k] as string) : undefined);
  out.namespace = str('k8s.namespace.name') ?? out.namespace;
  out.pod = str('k8s.pod.name') ?? out.pod;
  out.podIp = str('k8s.pod.ip') ?? out.podIp;
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined && /^[A-Za-z0-9.:_-]+$/.test(v)));
}

/**
 * An OTLP log record from Envoy's OpenTelemetry access logger as the flat JSON record @ztv/formats' Envoy
 * access-log parser reads: the Telemetry API's `logFormat.labels` arrive as attributes (one per field); a body
 * that is a map, or a JSON object string, contributes its fields too (attributes win). The record's timestamp
 * stands in for `start_time` when no field carries it.
 */
export function accessLogRecord(r: OtlpLogRecord): Json {
  const body = anyValue(r.record.body);
  let fromBody: Json = {};
  if (body && typeof body === 'object' && !Array.isArray(body)) fromBody = body as Json;
  else if (typeof body === 'string' && body.trimStart().startsWith('{')) {
    try {
      const parsed: unknown = JSON.parse(body);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) fromBody = parsed as Json;
    } catch {
      // A text body (Istio's default TEXT format) carries nothing the parser reads field by field.
    }
  }
  const record: Json = { ...fromBody, ...attributes(r.record.attributes) };
  if (record.start_time === undefined && record.startTime === undefined) {
    const nanos = r.record.timeUnixNano ?? r.record.observedTimeUnixNano;
    if (nanos !== undefined && /^\d{1,20}$/.test(String(nanos)) && String(nanos) !== '0') {
      record.start_time = new Date(Number(BigInt(String(nanos)) / 1_000_000n)).toISOString();
    }
  }
  return record;
}
