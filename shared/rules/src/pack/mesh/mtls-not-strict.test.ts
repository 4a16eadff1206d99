import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edited, firing, FIXTURES, harness, loadManifests, namespace, resolved } from '../network/test-harness';
import { mtlsNotStrict as rule } from './mtls-not-strict';
import { istioSample, peerAuthentication, podOf } from './test-mesh';

const kyverno = (file: string) => loadManifests(join(FIXTURES, 'kyverno-policies/istio/enforce-strict-mtls/.chainsaw-test', file), 'foo');
const meshed = namespace('foo', { 'istio-injection': 'enabled' });
const strictMesh = peerAuthentication('default', 'istio-system', { mtls: { mode: 'STRICT' } });

describe('mtls-not-strict', () => {
  it("fires on Istio's PERMISSIVE default for a meshed namespace and resolves with a mesh-wide STRICT policy", () => {
    const h = harness(rule);
    const [fired] = firing(h.apply(meshed));
    expect(fired).toMatchObject({
      subject: { namespace: 'foo', kind: 'Namespace', name: 'foo' },
      severity: 'high',
      evidence: { effectiveMode: 'PERMISSIVE', chain: [{ level: 'istio-default', mode: 'PERMISSIVE' }], meshed: { mode: 'sidecar', reason: 'namespace label istio-injection=enabled' } },
    });
    expect(fired?.message).toBe("mTLS for meshed namespace foo is PERMISSIVE (Istio's default)");
    expect(resolved(h.apply(namespace('istio-system'), strictMesh))).toHaveLength(1);
  });

  it('lets a namespace policy override the mesh, and UNSET inherit it (Kyverno fixtures)', () => {
    const h = harness(rule);
    h.apply(meshed, strictMesh);
    const [permissive, disable, workloadDisable] = kyverno('pa-bad.yaml');
    const [fired] = firing(h.apply(permissive!));
    expect(fired?.evidence).toMatchObject({
      effectiveMode: 'PERMISSIVE',
      chain: [
        { level: 'namespace', policy: 'foo/pa-bad01', mode: 'PERMISSIVE' },
        { level: 'mesh', policy: 'istio-system/default', mode: 'STRICT' },
      ],
    });
    expect(resolved(h.remove(permissive!))).toHaveLength(1);
    for (const good of kyverno('pa-good.yaml')) {
      expect(h.apply(good), good.metadata.name).toEqual([]);
      h.remove(good);
    }
    expect(firing(h.apply(disable!))[0]?.evidence).toMatchObject({ effectiveMode: 'DISABLE' });
    h.remove(disable!);
    const [workload] = firing(h.apply(workloadDisable!));
    expect(workload).toMatchObject({ subject: { namespace: 'foo', kind: 'PeerAuthentication', name: 'pa-bad03' }, evidence: { mode: 'DISABLE', namespaceMode: 'STRICT' } });
  });

  it('reports workload and port-level weakening on the PeerAuthentication, with the workloads it selects', () => {
    const h = harness(rule);
    const [, , httpbin] = istioSample('httpbin', 'foo');
    h.apply(meshed, peerAuthentication('default', 'foo', { mtls: { mode: 'STRICT' } }), httpbin!);
    const pa = peerAuthentication('httpbin-metrics', 'foo', { selector: { matchLabels: { app: 'httpbin' } }, mtls: { mode: 'UNSET' }, portLevelMtls: { 80: { mode: 'PERMISSIVE' }, 9090: { mode: 'STRICT' } } });
    const [fired] = firing(h.apply(pa));
    expect(fired).toMatchObject({
      subject: { kind: 'PeerAuthentication', name: 'httpbin-metrics' },
      evidence: { mode: 'UNSET', weakPorts: [{ port: '80', mode: 'PERMISSIVE' }], selects: ['Deployment/httpbin'] },
    });
    expect(fired?.message).toBe('PeerAuthentication foo/httpbin-metrics sets port 80 to PERMISSIVE for workloads matching {"app":"httpbin"}');
    expect(resolved(h.apply(edited(pa, (o) => delete o.spec!.portLevelMtls)))).toHaveLength(1);
    // Selector policies in the root namespace are ignored by Istio, so they weaken nothing.
    expect(h.apply(peerAuthentication('legacy', 'istio-system', { selector: { matchLabels: { app: 'legacy' } }, mtls: { mode: 'DISABLE' } }))).toEqual([]);
  });

  it('picks the oldest of two namespace-wide policies, as Istio does', () => {
    const h = harness(rule);
    h.apply(meshed, peerAuthentication('b-strict', 'foo', { mtls: { mode: 'STRICT' } }, '2026-01-01T00:00:00Z'));
    expect(firing(h.apply(peerAuthentication('a-permissive', 'foo', { mtls: { mode: 'PERMISSIVE' } }, '2026-02-01T00:00:00Z')))).toHaveLength(0);
    expect(firing(h.apply(peerAuthentication('c-permissive', 'foo', { mtls: { mode: 'PERMISSIVE' } }, '2025-12-01T00:00:00Z')))).toHaveLength(1);
  });

  it('ignores unmeshed namespaces until a sidecar shows up, and meshes ambient namespaces by label', () => {
    const h = harness(rule);
    const [, , sleep] = istioSample('sleep', 'legacy');
    expect(h.apply(namespace('legacy'), sleep!, podOf(sleep!, { inject: false }))).toEqual([]);
    const [fired] = firing(h.apply(podOf(sleep!, { suffix: 'q9z8w' })));
    expect(fired?.evidence).toMatchObject({ meshed: { mode: 'sidecar', reason: 'pod sleep-5d8f7c6b9-q9z8w runs istio-proxy' } });
    expect(firing(h.apply(namespace('ambient-apps', { 'istio.io/dataplane-mode': 'ambient' })))[0]?.evidence).toMatchObject({ meshed: { mode: 'ambient' } });
    // A gateway runs istio-proxy too, but it is the mesh's edge: istio-system does not become meshed.
    const gateway = edited(podOf(sleep!, { suffix: 'gw' }), (p) => {
      Object.assign(p.metadata, { name: 'istio-ingressgateway-7d9c', namespace: 'istio-system', labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } });
      p.spec!.containers = [{ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.2', args: ['proxy', 'router', '--domain', 'istio-system.svc.cluster.local'] }];
    });
    expect(h.apply(namespace('istio-system'), gateway)).toEqual([]);
    // istio-injection=disabled wins over a revision label.
    expect(h.apply(namespace('opted-out', { 'istio-injection': 'disabled', 'istio.io/rev': 'canary' }))).toEqual([]);
  });

  it('is suppressed by a namespace ztv.io/ignore with a reason, not without one', () => {
    const h = harness(rule);
    const ann = { 'ztv.io/ignore': 'mtls-not-strict', 'ztv.io/ignore-reason': 'migration to STRICT in progress' };
    expect(firing(h.apply(namespace('foo', { 'istio.io/rev': 'stable' }, ann)))[0]?.suppressedBy).toBe('annotation: migration to STRICT in progress');
    expect(firing(h.apply(namespace('bar', { 'istio.io/rev': 'stable' }, { 'ztv.io/ignore': 'mtls-not-strict' })))[0]?.suppressedBy).toBeUndefined();
  });
});
