import { describe, expect, it } from 'vitest';
import { defaultRulesConfig } from '../../config';
import { RuleEngine } from '../../engine/engine';
import { resourceEvent } from '../../testing';
import { flowPlaintext } from './flow-plaintext';
import { envoyFlow, hubbleFlow, jsonLines, runningPod } from './test-flows';

type Entry = Record<string, unknown>;
const [toProductpage, outboundRatings, curlToDetails, curlNoRoute] = jsonLines('authored/istio-sidecar-access.jsonl') as [Entry, Entry, Entry, Entry];
const details = { namespace: 'bookinfo', pod: 'details-v1-65cfcf56f9-4dq9m', ip: '10.244.3.8' };
const productpage = { namespace: 'bookinfo', pod: 'productpage-v1-6b746f74dc-7xk2p', ip: '10.244.1.17' };
const reviews = { namespace: 'bookinfo', pod: 'reviews-v2-7d79d5bd5d-5lcs8', ip: '10.244.1.22' };
const curl = (annotations?: Record<string, string>) =>
  runningPod({ namespace: 'sandbox', name: 'curl-7d8b9c6f5-x2x4k', ip: '10.244.0.31', deployment: 'curl', ...(annotations ? { annotations } : {}) });
const curlDeployment = (annotations: Record<string, string>) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'curl', namespace: 'sandbox', labels: { app: 'curl' }, annotations },
  spec: { selector: { matchLabels: { app: 'curl' } }, template: { metadata: { labels: { app: 'curl' } }, spec: { containers: [{ name: 'curl', image: 'curlimages/curl:8.5.0' }] } } },
});

function setup() {
  const e = new RuleEngine({ rules: [flowPlaintext], config: defaultRulesConfig(), cluster: 'test', clock: () => new Date('2026-03-14T09:30:00Z') });
  e.process(resourceEvent(runningPod({ ...details, name: details.pod, deployment: 'details-v1' })));
  return e;
}

describe('flow-plaintext on Istio sidecar access logs', () => {
  it('fires for an inbound connection without Istio mTLS, naming the unmeshed client workload found by its IP', () => {
    const e = setup();
    e.process(resourceEvent(curl()));
    const [s] = e.process(envoyFlow(curlToDetails, details)).signals;
    expect(s?.subject).toEqual({ cluster: 'test', namespace: 'sandbox', kind: 'Deployment', name: 'curl' });
    expect(s?.message).toBe('sandbox/curl-7d8b9c6f5-x2x4k connected to bookinfo/details-v1-65cfcf56f9-4dq9m:9080 without mTLS: no TLS on a connection into a meshed workload.');
    expect(s?.evidence).toMatchObject({ reporter: 'sidecar-inbound', port: 9080, protocol: 'HTTP', peerPrincipal: null, count: 1, subjectIs: 'source' });
    expect(s?.evidence.source).toEqual({ ip: '10.244.0.31', port: 38866 });
    expect(s?.quietPeriodSeconds).toBe(3600);
    // The no-route TCP attempt from the same client is another occurrence of the same finding.
    expect(e.process(envoyFlow(curlNoRoute, details)).signals[0]?.fingerprint).toBe(s?.fingerprint);
  });

  it('is quiet for mTLS (Istio SNI) inbound traffic and for outbound listeners', () => {
    const e = setup();
    expect(e.process(envoyFlow(toProductpage, productpage, 'spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account')).signals).toHaveLength(0);
    expect(e.process(envoyFlow(outboundRatings, reviews)).signals).toHaveLength(0);
    // After the fix (the client joins the mesh) its calls carry the SNI and nothing fires.
    const meshed = { ...curlToDetails, requested_server_name: 'outbound_.9080_._.details.bookinfo.svc.cluster.local' };
    expect(e.process(envoyFlow(meshed, details)).signals).toHaveLength(0);
  });

  it('names the destination workload when the client is not a known pod', () => {
    const [s] = setup().process(envoyFlow({ ...curlToDetails, downstream_remote_address: '203.0.113.45:51000' }, details)).signals;
    expect(s?.subject).toEqual({ cluster: 'test', namespace: 'bookinfo', kind: 'Deployment', name: 'details-v1' });
    expect(s?.message).toMatch(/^A client that is not a known pod \(203\.0\.113\.45\) connected to/);
  });

  it('is suppressed by a reasoned annotation on the client workload only', () => {
    const e = setup();
    e.process(resourceEvent(curl()));
    e.process(resourceEvent(curlDeployment({ 'ztv.io/ignore': 'flow-plaintext', 'ztv.io/ignore-reason': 'debug pod, removed Friday' })));
    expect(e.process(envoyFlow(curlToDetails, details)).signals[0]?.suppressedBy).toBe('annotation: debug pod, removed Friday');
    e.process(resourceEvent(curlDeployment({ 'ztv.io/ignore': 'flow-plaintext' })));
    const [s] = e.process(envoyFlow(curlToDetails, details)).signals;
    expect(s?.transition).toBe('firing');
    expect(s?.suppressedBy).toBeUndefined();
  });
});

describe('flow-plaintext on Hubble flows (Cilium mutual authentication)', () => {
  const [, policyDrop] = jsonLines('hubble/cilium-docs-hubble-exporter-dropped.jsonl') as [unknown, Entry];
  const forwarded = { verdict: 'forwarded' as const, dropReason: undefined };
  const authDrop = { verdict: 'denied' as const, dropReason: 'AUTH_REQUIRED', mtls: { mode: 'unknown' as const, authRequired: true } };
  const at = (s: number) => new Date(Date.parse('2023-08-21T12:12:18Z') + s * 1000).toISOString();

  it('never fires where Hubble cannot tell (mode unknown), or where auth was not required', () => {
    const e = setup();
    expect(e.process(hubbleFlow(policyDrop, forwarded)).signals).toHaveLength(0);
    expect(e.process(hubbleFlow(policyDrop, { ...forwarded, mtls: { mode: 'unknown', authRequired: true } })).signals).toHaveLength(0);
    expect(e.process(hubbleFlow(policyDrop, { ...forwarded, mtls: { mode: 'none' } })).signals).toHaveLength(0);
  });

  it('fires where authentication was required and the flow went unauthenticated', () => {
    const [s] = setup().process(hubbleFlow(policyDrop, { ...forwarded, mtls: { mode: 'none', authRequired: true } })).signals;
    expect(s?.subject).toMatchObject({ namespace: 'default', kind: 'Pod', name: 'xwing' });
    expect(s?.message).toMatch(/forwarded without Cilium mutual authentication/);
  });

  it('tolerates the AUTH_REQUIRED drops of a handshake in progress, fires once when they keep coming', () => {
    const e = setup();
    expect(e.process(hubbleFlow(policyDrop, authDrop, at(0))).signals).toHaveLength(0);
    expect(e.process(hubbleFlow(policyDrop, authDrop, at(1))).signals).toHaveLength(0);
    const [s] = e.process(hubbleFlow(policyDrop, authDrop, at(3))).signals;
    expect(s?.message).toBe('default/xwing tried to connect to default/deathstar-7848d6c4d5-th9v2:80 without mTLS: Cilium mutual authentication was required and kept failing (more than 2 AUTH_REQUIRED drops).');
    expect(s?.evidence).toMatchObject({ authRequiredDrops: 3, since: '2023-08-21T12:12:18.000Z' });
    expect(e.process(hubbleFlow(policyDrop, authDrop, at(7))).signals).toHaveLength(0);
    // A single drop, then the handshake completes: a new pair fires nothing.
    expect(e.process(hubbleFlow(policyDrop, { ...authDrop, source: { namespace: 'default', pod: 'tiefighter' } }, at(8))).signals).toHaveLength(0);
  });
});
