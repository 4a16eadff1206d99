import { describe, expect, it } from 'vitest';
import { parseText } from '../engine/parse-text';
import { ctx, expectWellFormed, local, ofType, parseLocal } from '../test-support/fixtures';

const FILE = 'authored/istio-sidecar-access.jsonl';
const records = local(FILE)
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Record<string, unknown>);
const one = (record: Record<string, unknown>, extra = {}) => ofType(parseText(JSON.stringify(record), ctx({ format: 'envoy-access-log', ...extra })).events, 'flow')[0];

describe('envoy-access-log: Istio default JSON fields (authored sidecar sample)', () => {
  const r = parseLocal(FILE, { namespace: 'bookinfo' });
  const [inboundMtls, outbound, inboundPlain, noRoute] = ofType(r.events, 'flow');
  it('reads all four records', () => {
    expectWellFormed(r, FILE);
    expect(r.format).toBe('envoy-access-log');
    expect(r.events).toHaveLength(4);
  });
  it('an inbound request with Istio mTLS SNI is mutual', () => {
    expect(inboundMtls?.time).toBe('2026-03-14T09:26:53.118Z');
    expect(inboundMtls?.data).toMatchObject({
      reporter: 'sidecar-inbound',
      direction: 'ingress',
      verdict: 'forwarded',
      protocol: 'HTTP',
      l7: { type: 'http', method: 'GET', url: '/productpage', code: 200 },
      source: { ip: '10.244.2.9', port: 51730 },
      destination: { ip: '10.244.1.17', port: 9080, namespace: 'bookinfo', dnsNames: ['productpage.bookinfo.svc.cluster.local'] },
      mtls: { mode: 'mutual', sni: 'outbound_.9080_._.productpage.bookinfo.svc.cluster.local' },
    });
  });
  it('an outbound request names the destination service; its transport is unknown without peer fields', () => {
    expect(outbound?.data).toMatchObject({
      reporter: 'sidecar-outbound',
      direction: 'egress',
      source: { ip: '10.244.1.22', namespace: 'bookinfo' },
      destination: { ip: '10.244.3.5', port: 9080, namespace: 'bookinfo', dnsNames: ['ratings.bookinfo.svc.cluster.local'] },
      mtls: { mode: 'unknown' },
    });
  });
  it('an inbound request with no peer certificate and no Istio SNI is plaintext', () => {
    expect(inboundPlain?.data).toMatchObject({ reporter: 'sidecar-inbound', mtls: { mode: 'none' }, destination: { ip: '10.244.3.8', port: 9080 } });
  });
  it('a no-route entry full of nulls is an error flow of unknown direction', () => {
    expect(noRoute?.data).toMatchObject({ verdict: 'error', dropReason: 'NR', direction: 'unknown', reporter: 'other', protocol: 'unknown', mtls: { mode: 'unknown' } });
    expect(noRoute?.data.l7).toBeUndefined();
  });
  it('knows that no-route entry is inbound plaintext when told the pod address', () => {
    const f = one(records[3] ?? {}, { namespace: 'bookinfo', pod: 'details-v1-0', podIp: '10.244.3.8' });
    expect(f?.data).toMatchObject({ direction: 'ingress', reporter: 'sidecar-inbound', mtls: { mode: 'none' }, destination: { pod: 'details-v1-0', port: 9080 } });
  });
  it('ids records by content, whatever the key order', () => {
    const reversed = Object.fromEntries(Object.entries(records[0] ?? {}).reverse());
    expect(one(reversed)?.id).toBe(one(records[0] ?? {})?.id);
    expect(one(records[0] ?? {})?.id).toMatch(/^envoy:[0-9a-f]{32}$/);
  });
});

describe('envoy-access-log: the peer-identity and TLS fields ztv recommends', () => {
  it('takes the downstream peer SAN as the source identity of an inbound request', () => {
    const f = one(
      { ...records[2], downstream_peer_uri_san: 'spiffe://cluster.local/ns/frontend/sa/web', downstream_tls_version: 'TLSv1.3' },
      { namespace: 'details', pod: 'details-v1-0' },
    );
    expect(f?.data.source).toMatchObject({ principal: 'spiffe://cluster.local/ns/frontend/sa/web', namespace: 'frontend', serviceAccount: 'web' });
    expect(f?.data.destination).toMatchObject({ namespace: 'details', pod: 'details-v1-0' });
    expect(f?.data.mtls).toEqual({ mode: 'mutual', peerPrincipal: 'spiffe://cluster.local/ns/frontend/sa/web', tlsVersion: 'TLSv1.3' });
  });
  it('takes the upstream peer SAN as the destination identity of an outbound request', () => {
    const f = one({ ...records[1], upstream_peer_uri_san: 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-ratings', upstream_tls_version: 'TLSv1.3' });
    expect(f?.data.destination).toMatchObject({ principal: 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-ratings', serviceAccount: 'bookinfo-ratings' });
    expect(f?.data.mtls.mode).toBe('mutual');
  });
  it('reads TLS without a client certificate as tls, and connection_security_policy', () => {
    expect(one({ ...records[2], downstream_tls_version: 'TLSv1.2' })?.data.mtls.mode).toBe('tls');
    expect(one({ ...records[1], connection_security_policy: 'mutual_tls' })?.data.mtls.mode).toBe('mutual');
  });
  it('reads RBAC denials as denied, and camelCase or string-typed fields alike', () => {
    const denied = one({ ...records[0], response_code: 403, response_code_details: 'rbac_access_denied_matched_policy[none]' });
    expect(denied?.data).toMatchObject({ verdict: 'denied', dropReason: 'RBAC_ACCESS_DENIED' });
    expect(one({ ...records[1], upstream_cluster: 'outbound|9080||ratings.bookinfo.svc.cluster.local;' })?.data.reporter).toBe('sidecar-outbound');
    const camel = Object.fromEntries(Object.entries(records[0] ?? {}).map(([k, v]) => [k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase()), v]));
    const f = one({ ...camel, responseCode: '200' });
    expect(f?.data).toMatchObject({ reporter: 'sidecar-inbound', l7: { code: 200 }, mtls: { mode: 'mutual' } });
  });
  it('refuses JSON that is not an access-log record', () => {
    const r = parseText('{"hello": "world"}\n', ctx({ format: 'envoy-access-log', file: 'a.log' }));
    expect(r.errors[0]).toMatchObject({ line: 1, file: 'a.log' });
    expect(r.errors[0]?.reason).toMatch(/^not an access-log record/);
  });
});
