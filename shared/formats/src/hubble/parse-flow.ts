import type { FlowData } from '@ztv/events';
import { emit, fail, itemsOf, SKIP, type Out } from '../internal/emit';
import { contentId } from '../internal/hash';
import { bool, isRecord, num, rec, str, strArray, type JsonRecord } from '../internal/json';
import { toRfc3339 } from '../internal/time';
import type { ParseContext, ParseItem } from '../types';
import { hubbleEndpoint, l4Ports } from './endpoint';

const FORMAT = 'hubble' as const;

const verdicts: Record<string, FlowData['verdict']> = {
  FORWARDED: 'forwarded',
  DROPPED: 'dropped',
  ERROR: 'error',
  AUDIT: 'audit',
  REDIRECTED: 'redirected',
  TRACED: 'traced',
  TRANSLATED: 'translated',
};

/** Drops that are a policy saying no: reported as verdict `denied` (what flow-denied-burst counts). */
const POLICY_DROPS = new Set(['POLICY_DENIED', 'POLICY_DENY', 'AUTH_REQUIRED']);

/**
 * One `hubble observe -o json` / exporter line → a `flow` event. Takes the GetFlowsResponse wrapper
 * (`{flow, node_name, time}`) or a bare Flow; node_status and lost_events responses are skipped.
 * Hubble cannot see inside Istio's mTLS, so `mtls.mode` is `unknown` unless Cilium mutual authentication
 * (SPIRE) was required for the flow.
 */
export function parseHubbleFlow(v: unknown, ctx: ParseContext): ParseItem[] {
  return itemsOf(hubbleRecord(v, ctx));
}

/** The engine's form of parseHubbleFlow: keeps skip markers so non-flow responses are counted. */
export function hubbleRecord(v: unknown, ctx: ParseContext): Out[] {
  if (!isRecord(v)) return [fail(ctx, FORMAT, 'not a Hubble flow: expected a JSON object', JSON.stringify(v)?.slice(0, 200))];
  if ('node_status' in v || 'lost_events' in v) return [SKIP];
  const wrapped = rec(v, 'flow');
  const flow = wrapped ?? v;
  if (!wrapped && !('verdict' in v || 'IP' in v || 'l4' in v || 'source' in v)) {
    return [fail(ctx, FORMAT, 'not a Hubble flow: no flow, verdict, IP or l4 field', JSON.stringify(v).slice(0, 200))];
  }
  const time = toRfc3339(flow.time) ?? toRfc3339(v.time);
  const id = str(flow, 'uuid') ?? `hubble:${contentId(flow)}`;
  return [emit(ctx, FORMAT, { type: 'flow', id, time, data: flowData(flow) })];
}

function flowData(flow: JsonRecord): FlowData {
  const dropReason = str(flow, 'drop_reason_desc');
  const raw = verdicts[str(flow, 'verdict') ?? ''] ?? 'unknown';
  const verdict = raw === 'dropped' && dropReason && POLICY_DROPS.has(dropReason) ? 'denied' : raw;
  const ports = l4Ports(flow);
  const ip = rec(flow, 'IP');
  const l7 = rec(flow, 'l7');
  const http = rec(l7, 'http');
  const dns = rec(l7, 'dns');
  const authType = str(flow, 'auth_type');
  const authRequired = (authType !== undefined && authType !== 'DISABLED') || dropReason === 'AUTH_REQUIRED';
  const delivered = verdict === 'forwarded' || verdict === 'redirected' || verdict === 'translated';
  const direction = str(flow, 'traffic_direction');
  const isReply = bool(flow, 'is_reply') ?? bool(flow, 'reply');
  const code = num(http, 'code');
  return {
    verdict,
    ...(dropReason ? { dropReason } : {}),
    direction: direction === 'INGRESS' ? 'ingress' : direction === 'EGRESS' ? 'egress' : 'unknown',
    reporter: 'hubble',
    source: hubbleEndpoint(rec(flow, 'source'), str(ip, 'source'), ports.src, strArray(flow.source_names)),
    destination: hubbleEndpoint(rec(flow, 'destination'), str(ip, 'destination'), ports.dst, strArray(flow.destination_names)),
    protocol: dns ? 'DNS' : http ? 'HTTP' : rec(l7, 'kafka') ? 'KAFKA' : ((ports.protocol as FlowData['protocol'] | undefined) ?? 'unknown'),
    ...(http
      ? { l7: { type: 'http', method: str(http, 'method'), url: str(http, 'url'), ...(code && Number.isInteger(code) ? { code } : {}) } }
      : dns
        ? { l7: { type: 'dns', dnsQuery: str(dns, 'query') } }
        : {}),
    mtls: authRequired ? { mode: delivered && authType === 'SPIRE' ? 'mutual' : 'unknown', authRequired: true } : { mode: 'unknown' },
    ...(isReply !== undefined ? { isReply } : {}),
    count: 1,
  };
}
