import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edited, firing, FIXTURES, harness, loadManifests, namespace, resolved } from '../network/test-harness';
import { sidecarMissing as rule } from './sidecar-missing';
import { istioSample, peerAuthentication, podOf } from './test-mesh';

const injected = namespace('default', { 'istio-injection': 'enabled' });
const [, , sleep] = istioSample('sleep', 'default');
const kyvernoBadPods = () => loadManifests(join(FIXTURES, 'kyverno-policies/istio/prevent-disabling-injection-pods/.chainsaw-test/pod-bad.yaml'), 'default');

describe('sidecar-missing', () => {
  it('fires for a pod created before injection was enabled and resolves after the rollout restart', () => {
    const h = harness(rule);
    const old = podOf(sleep!, { inject: false });
    h.apply(injected, sleep!);
    const [fired] = firing(h.apply(old));
    expect(fired).toMatchObject({
      subject: { namespace: 'default', kind: 'Pod', name: 'sleep-5d8f7c6b9-x7k2p' },
      evidence: { owner: 'Deployment/sleep (via ReplicaSet/sleep-5d8f7c6b9)', containers: ['sleep'], injectionEnabled: true, injectChoice: null },
    });
    expect(fired?.message).toBe('Pod default/sleep-5d8f7c6b9-x7k2p (Deployment/sleep (via ReplicaSet/sleep-5d8f7c6b9)) runs without an istio-proxy although sidecar injection is enabled for it');
    expect(h.apply(podOf(sleep!, { hash: '7c9d4f5b8', suffix: 'm2n4q' }))).toEqual([]);
    expect(resolved(h.remove(old))).toHaveLength(1);
  });

  it('accepts an opt-out in a non-STRICT namespace but not once STRICT applies (Kyverno bad pods)', () => {
    const h = harness(rule);
    h.apply(injected);
    expect(h.apply(...kyvernoBadPods())).toEqual([]);
    const out = firing(h.apply(peerAuthentication('default', 'default', { mtls: { mode: 'STRICT' } })));
    expect(out.map((s) => s.subject.name).sort()).toEqual(['badpod01', 'badpod02']);
    expect(out[0]?.evidence).toMatchObject({ injectionEnabled: false, injectChoice: 'false', mtls: { mode: 'STRICT', chain: [{ level: 'namespace', policy: 'default/default' }] } });
    expect(out[0]?.message).toContain('although STRICT mTLS applies to it and it opts out with sidecar.istio.io/inject=false');
    expect(resolved(h.apply(peerAuthentication('default', 'default', { mtls: { mode: 'PERMISSIVE' } })))).toHaveLength(2);
  });

  it('counts native sidecars and ambient enrolment as a proxy', () => {
    const h = harness(rule);
    h.apply(injected, namespace('amb', { 'istio.io/dataplane-mode': 'ambient' }));
    const native = edited(podOf(sleep!), (p) => {
      const proxy = p.spec!.containers.pop();
      p.spec!.initContainers.push({ ...proxy, restartPolicy: 'Always' });
    });
    expect(h.apply(native)).toEqual([]);
    const ambientPod = edited(podOf(sleep!, { inject: false }), (p) => (p.metadata.namespace = 'amb'));
    expect(h.apply(ambientPod)).toEqual([]);
    h.apply(peerAuthentication('default', 'amb', { mtls: { mode: 'STRICT' } }));
    const outOfAmbient = edited(ambientPod, (p) => {
      p.metadata.name = 'sleep-opted-out';
      p.metadata.labels!['istio.io/dataplane-mode'] = 'none';
    });
    expect(firing(h.apply(outOfAmbient))).toHaveLength(1);
  });

  it('leaves unmeshed namespaces alone under a mesh-wide STRICT, and skips finished and hostNetwork pods', () => {
    const h = harness(rule);
    h.apply(namespace('kube-system'), namespace('istio-system'), peerAuthentication('default', 'istio-system', { mtls: { mode: 'STRICT' } }));
    const coredns = edited(podOf(sleep!, { inject: false }), (p) => Object.assign(p.metadata, { namespace: 'kube-system', name: 'coredns-abc' }));
    expect(h.apply(coredns)).toEqual([]);
    h.apply(injected);
    expect(h.apply(edited(podOf(sleep!, { inject: false }), (p) => (p.status = { phase: 'Succeeded' })))).toEqual([]);
    expect(h.apply(edited(podOf(sleep!, { inject: false, suffix: 'hn' }), (p) => (p.spec!.hostNetwork = true)))).toEqual([]);
  });

  it('fires for a pod that opted in by label in an unlabelled namespace, and honours ztv.io/ignore with a reason', () => {
    const h = harness(rule);
    h.apply(namespace('apps'));
    const optIn = edited(podOf(sleep!, { inject: false }), (p) => {
      p.metadata.namespace = 'apps';
      p.metadata.labels!['sidecar.istio.io/inject'] = 'true';
    });
    expect(firing(h.apply(optIn))).toHaveLength(1);
    const ignored = edited(optIn, (p) => {
      p.metadata.name = 'debug';
      Object.assign(p.metadata.annotations!, { 'ztv.io/ignore': 'sidecar-missing', 'ztv.io/ignore-reason': 'debug pod, deleted after use' });
    });
    expect(firing(h.apply(ignored))[0]?.suppressedBy).toBe('annotation: debug pod, deleted after use');
  });
});
