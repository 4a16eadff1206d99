import { describe, expect, it } from 'vitest';
import { parseText } from '../engine/parse-text';
import { ctx, expectWellFormed, local, ofType, parseLocal } from '../test-support/fixtures';
import { parseHubbleFlow } from './parse-flow';

const TEN = 'hubble/hubble-otel-basic-sample-10-flows.json';

describe('hubble: hubble observe -o json (GetFlowsResponse lines)', () => {
  const r = parseLocal(TEN);
  const flows = ofType(r.events, 'flow');
  it('reads every line of the hubble-otel sample as a flow', () => {
    expectWellFormed(r, TEN);
    expect(r.format).toBe('hubble');
    expect(flows).toHaveLength(10);
  });
  it('maps endpoints: namespace, pod, k8s: labels without prefix, service account, identity, address', () => {
    const f = flows[0];
    expect(f?.time).toBe('2021-06-16T16:52:13.136834446Z');
    expect(f?.data).toMatchObject({ verdict: 'forwarded', direction: 'ingress', reporter: 'hubble', protocol: 'TCP', isReply: true });
    expect(f?.data.source).toMatchObject({
      namespace: 'bookinfo',
      pod: 'reviews-v1-545db77b95-s6jb8',
      serviceAccount: 'bookinfo-reviews',
      identity: 25339,
      ip: '10.0.2.16',
      port: 15020,
      labels: { app: 'reviews', version: 'v1', 'security.istio.io/tlsMode': 'istio', 'io.kubernetes.pod.namespace': 'bookinfo' },
    });
    expect(f?.data.destination).toEqual({ identity: 1, reserved: ['reserved:host'], ip: '10.0.2.1', port: 42044 });
  });
  it('says mTLS is unknown: Hubble cannot see inside Istio mTLS', () => {
    expect(new Set(flows.map((f) => f.data.mtls.mode))).toEqual(new Set(['unknown']));
  });
  it('ids flows without a uuid by content, stably, wrapper or not', () => {
    const line = JSON.parse(local(TEN).split('\n')[0] ?? '') as { flow: unknown };
    const [bare] = parseHubbleFlow(line.flow, ctx());
    expect(bare?.ok && bare.event.id).toBe(flows[0]?.id);
    expect(parseHubbleFlow({ node_status: {} }, ctx())).toEqual([]); // the public function returns no skip markers
    expect(flows[0]?.id).toMatch(/^hubble:[0-9a-f]{32}$/);
    expect(new Set(flows.map((f) => f.id)).size).toBe(10);
  });
});

describe('hubble: verdicts, drops, L7', () => {
  it('reports POLICY_DENIED drops as denied and other drops as dropped (exporter file)', () => {
    const r = parseLocal('hubble/cilium-docs-hubble-exporter-dropped.jsonl');
    const [icmp, tcp] = ofType(r.events, 'flow');
    expect(icmp?.data).toMatchObject({ verdict: 'dropped', dropReason: 'INVALID_SOURCE_IP', protocol: 'ICMPv6' });
    expect(tcp?.data).toMatchObject({
      verdict: 'denied',
      dropReason: 'POLICY_DENIED',
      source: { namespace: 'default', pod: 'xwing', port: 44916 },
      destination: { namespace: 'default', pod: 'deathstar-7848d6c4d5-th9v2', ip: '10.244.1.5', port: 80 },
    });
  });
  it('reads L7 HTTP and DNS', () => {
    const http = ofType(parseLocal('hubble/hubble-otel-basic-sample-5-http-flows.json').events, 'flow');
    expect(http[0]?.data).toMatchObject({ protocol: 'HTTP', direction: 'egress', l7: { type: 'http', method: 'GET' } });
    expect(http.some((f) => f.data.l7?.code !== undefined)).toBe(true);
    const dns = ofType(parseLocal('hubble/hubble-otel-basic-sample-5-dns-flows.json').events, 'flow');
    expect(dns.filter((f) => f.data.l7?.type === 'dns').every((f) => typeof f.data.l7?.dnsQuery === 'string')).toBe(true);
  });
  it('uses the flow uuid, and reports SPIRE mutual auth as mTLS', () => {
    const flow = { uuid: 'f-1', time: '2026-03-14T09:00:00Z', verdict: 'FORWARDED', auth_type: 'SPIRE', traffic_direction: 'EGRESS', source: { namespace: 'a' }, destination: { namespace: 'b' } };
    const r = parseText(JSON.stringify({ flow, node_name: 'n1' }), ctx({ format: 'hubble' }));
    expect(r.events[0]).toMatchObject({ id: 'f-1', data: { mtls: { mode: 'mutual', authRequired: true } } });
    const dropped = parseText(JSON.stringify({ ...flow, uuid: 'f-2', verdict: 'DROPPED', drop_reason_desc: 'AUTH_REQUIRED' }), ctx({ format: 'hubble' }));
    expect(dropped.events[0]).toMatchObject({ data: { verdict: 'denied', mtls: { mode: 'unknown', authRequired: true } } });
  });
  it('skips node_status responses and reports a cut line at its line number', () => {
    const lines = local(TEN).split('\n');
    const text = [lines[0], '{"node_status":{"state":"NODE_CONNECTED"}}', (lines[1] ?? '').slice(0, 300), lines[2]].join('\n');
    const r = parseText(text, ctx({ file: 'x.json' }));
    expect(r.events).toHaveLength(2);
    expect(r.skipped).toBe(1);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ line: 3, format: 'hubble', file: 'x.json' });
    expect(r.errors[0]?.offset).toBe(Buffer.byteLength(`${lines[0]}\n{"node_status":{"state":"NODE_CONNECTED"}}\n`));
  });
});
