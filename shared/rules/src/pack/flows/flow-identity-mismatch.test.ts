import { describe, expect, it } from 'vitest';
import { defaultRulesConfig } from '../../config';
import { RuleEngine } from '../../engine/engine';
import { resourceEvent } from '../../testing';
import { flowIdentityMismatch } from './flow-identity-mismatch';
import { envoyFlow, hubbleFlow, jsonLines, runningPod } from './test-flows';

type Entry = Record<string, unknown>;
const [, outboundRatings, toDetails] = jsonLines('authored/istio-sidecar-access.jsonl') as [unknown, Entry, Entry];
const [, xwingFlow] = jsonLines('hubble/cilium-docs-hubble-exporter-dropped.jsonl') as [unknown, Entry];
const details = { namespace: 'bookinfo', pod: 'details-v1-65cfcf56f9-4dq9m', ip: '10.244.3.8' };
// Productpage calls details from 10.244.0.31 over Istio mTLS.
const mtls = { ...toDetails, requested_server_name: 'outbound_.9080_._.details.bookinfo.svc.cluster.local' };
const productpage = (serviceAccount?: string) =>
  runningPod({ namespace: 'bookinfo', name: 'productpage-v1-6b746f74dc-7xk2p', ip: '10.244.0.31', deployment: 'productpage-v1', ...(serviceAccount ? { serviceAccount } : {}) });

function setup(pod = productpage('bookinfo-productpage')) {
  const e = new RuleEngine({ rules: [flowIdentityMismatch], config: defaultRulesConfig(), cluster: 'test', clock: () => new Date('2026-03-14T09:30:00Z') });
  e.process(resourceEvent(pod));
  return e;
}

describe('flow-identity-mismatch', () => {
  it('fires when the client certificate names another ServiceAccount than the pod at that address runs as', () => {
    const [s] = setup().process(envoyFlow(mtls, details, 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews')).signals;
    expect(s?.subject).toEqual({ cluster: 'test', namespace: 'bookinfo', kind: 'Deployment', name: 'productpage-v1' });
    expect(s?.message).toBe(
      'bookinfo/productpage-v1-6b746f74dc-7xk2p runs as ServiceAccount bookinfo/bookinfo-productpage but presented spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews to bookinfo/details-v1-65cfcf56f9-4dq9m.',
    );
    expect(s?.evidence).toMatchObject({ expectedServiceAccount: 'bookinfo-productpage', presentedServiceAccount: 'bookinfo-reviews', serviceAccountFrom: 'Pod bookinfo/productpage-v1-6b746f74dc-7xk2p' });
  });

  it('fires for a principal from another namespace; a pod without serviceAccountName runs as "default"', () => {
    const [s] = setup().process(envoyFlow(mtls, details, 'spiffe://cluster.local/ns/payments/sa/bookinfo-productpage')).signals;
    expect(s?.evidence).toMatchObject({ presentedNamespace: 'payments', expectedNamespace: 'bookinfo' });
    const e = setup(productpage());
    expect(e.process(envoyFlow(mtls, details, 'spiffe://cluster.local/ns/bookinfo/sa/default')).signals).toHaveLength(0);
    expect(e.process(envoyFlow(mtls, details, 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage')).signals).toHaveLength(1);
  });

  it('is quiet when the identity matches, in SPIFFE or Istio principal form', () => {
    const e = setup();
    expect(e.process(envoyFlow(mtls, details, 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage')).signals).toHaveLength(0);
    const istioForm = envoyFlow(mtls, details);
    istioForm.data.mtls = { mode: 'mutual', peerPrincipal: 'cluster.local/ns/bookinfo/sa/bookinfo-productpage' };
    expect(e.process(istioForm).signals).toHaveLength(0);
  });

  it('does not guess: an unknown pod, a non-Kubernetes principal, or the server peer of an outbound listener', () => {
    const unknown = new RuleEngine({ rules: [flowIdentityMismatch], config: defaultRulesConfig(), cluster: 'test' });
    // The flow's namespace and ServiceAccount came from the certificate itself: no independent evidence.
    expect(unknown.process(envoyFlow(mtls, details, 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews')).signals).toHaveLength(0);
    const e = setup();
    expect(e.process(envoyFlow(mtls, details, 'spiffe://spiffe.cilium/identity/39239')).signals).toHaveLength(0);
    const outbound = envoyFlow(outboundRatings, { namespace: 'bookinfo', pod: 'productpage-v1-6b746f74dc-7xk2p', ip: '10.244.0.31' }, 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-ratings');
    expect(e.process(outbound).signals).toHaveLength(0);
  });

  it('falls back to a ServiceAccount the flow knows independently of the certificate, never to one derived from it', () => {
    const e = new RuleEngine({ rules: [flowIdentityMismatch], config: defaultRulesConfig(), cluster: 'test' });
    // The pod's ServiceAccount as Cilium labels it (io.cilium.k8s.policy.serviceaccount); the peer seen by a gateway.
    const flow = hubbleFlow(xwingFlow, {
      verdict: 'forwarded',
      dropReason: undefined,
      reporter: 'gateway',
      source: { namespace: 'default', pod: 'xwing', serviceAccount: 'xwing', ip: '10.244.1.60' },
      mtls: { mode: 'mutual', peerPrincipal: 'spiffe://cluster.local/ns/default/sa/deathstar' },
    });
    expect(e.process(flow).signals[0]?.evidence).toMatchObject({ serviceAccountFrom: 'gateway flow', expectedServiceAccount: 'xwing' });
    // When the source names a principal, its namespace / ServiceAccount may have been read from it: not evidence.
    flow.data.source.principal = 'spiffe://cluster.local/ns/default/sa/deathstar';
    expect(e.process(flow).signals).toHaveLength(0);
  });

  it('honours ztv.io/ignore on the source workload only with a reason', () => {
    const deployment = (annotations: Record<string, string>) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'productpage-v1', namespace: 'bookinfo', labels: { app: 'productpage' }, annotations },
      spec: { selector: { matchLabels: { app: 'productpage' } }, template: { metadata: { labels: { app: 'productpage' } }, spec: { containers: [{ name: 'productpage', image: 'docker.io/istio/examples-bookinfo-productpage-v1:1.20.2' }] } } },
    });
    const flow = () => envoyFlow(mtls, details, 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-reviews');
    const e = setup();
    e.process(resourceEvent(deployment({ 'ztv.io/ignore': 'flow-identity-mismatch', 'ztv.io/ignore-reason': 'SA rename in progress, CHG-12' })));
    expect(e.process(flow()).signals[0]?.suppressedBy).toBe('annotation: SA rename in progress, CHG-12');
    e.process(resourceEvent(deployment({ 'ztv.io/ignore': 'flow-identity-mismatch' })));
    expect(e.process(flow()).signals[0]?.suppressedBy).toBeUndefined();
  });
});
