import { describe, expect, it } from 'vitest';
import { parseText } from '../engine/parse-text';
import { ctx, expectWellFormed, local, ofType, parseLocal } from '../test-support/fixtures';

const JOINED = 'envoy-istio/istio-docs-ztunnel-access.joined.log';
const WRAPPED = 'envoy-istio/istio-docs-ztunnel-access.doc-wrapped.log';

describe('ztunnel-log: ambient access records', () => {
  const r = parseLocal(JOINED);
  const [flow] = ofType(r.events, 'flow');
  it('reads the Istio docs record as a mutual-TLS ztunnel flow', () => {
    expectWellFormed(r, JOINED);
    expect(r.format).toBe('ztunnel-log');
    expect(flow?.time).toBe('2024-08-21T15:32:05.754291Z');
    expect(flow?.data).toMatchObject({
      reporter: 'ztunnel',
      direction: 'egress',
      verdict: 'forwarded',
      protocol: 'TCP',
      source: { ip: '10.42.0.9', port: 33772, pod: 'sleep-7656cf8794-6lsm4', namespace: 'default', principal: 'spiffe://cluster.local/ns/default/sa/sleep', serviceAccount: 'sleep' },
      destination: {
        ip: '10.42.0.5',
        port: 9080, // the HBONE target, not the 15008 tunnel port
        pod: 'details-v1-857849f66-ft8wx',
        dnsNames: ['details.default.svc.cluster.local'],
        principal: 'spiffe://cluster.local/ns/default/sa/bookinfo-details',
      },
      mtls: { mode: 'mutual', peerPrincipal: 'spiffe://cluster.local/ns/default/sa/bookinfo-details' },
    });
  });
  it('joins a record wrapped over several lines into the same event', () => {
    const wrapped = parseLocal(WRAPPED);
    expect(wrapped.errors).toEqual([]);
    expect(wrapped.events).toEqual(r.events.map((e) => ({ ...e })));
  });
  it('skips other targets and connection-opened twins; reads JSON-format lines', () => {
    const line = local(JOINED).trim();
    const json = JSON.stringify({ level: 'info', time: '2024-08-21T15:32:06Z', scope: 'access', message: 'connection complete', 'src.addr': '10.42.0.9:1', 'dst.addr': '10.42.0.7:80', direction: 'inbound', error: 'connection closed due to policy rejection' });
    const text = [
      '2024-08-21T15:32:04.000000Z\tinfo\txds::client:xds{id=1}\treceived response\ttype_url="x"',
      line.replace('connection complete', 'connection opened'),
      line,
      json,
      '{"broken": ',
    ].join('\n');
    const out = parseText(text, ctx({ file: 'z.log', format: 'ztunnel-log' }));
    expect(out.skipped).toBe(2);
    expect(out.events).toHaveLength(2);
    expect(ofType(out.events, 'flow')[1]?.data).toMatchObject({ verdict: 'denied', direction: 'ingress', mtls: { mode: 'none' } });
    expect(out.errors.map((e) => e.line)).toEqual([5]);
  });
});
