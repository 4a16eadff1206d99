import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseText } from '../engine/parse-text';
import { ctx, expectWellFormed, local, ofType, parseLocal } from '../test-support/fixtures';
import { parseKubeObject } from './parse-object';

describe('k8s-objects: manifests and kubectl output', () => {
  it('reads cert-manager Issuer + Certificate (2-doc YAML) into resources and a cert', () => {
    const r = parseLocal('cert-manager/nebula-operator-issuer-and-certificate-with-status.yaml');
    expectWellFormed(r);
    const [issuer, certificate] = ofType(r.events, 'k8s.resource');
    expect(issuer?.data).toMatchObject({ kind: 'Issuer', namespace: 'default', known: false });
    expect(certificate?.id).toBe('7b03e317-354e-4cad-9832-96a74453c462@109935196');
    expect(certificate?.data).toMatchObject({ kind: 'Certificate', name: 'nebula-operator-webhook-cert', resourceVersion: '109935196', known: true });
    const [cert] = ofType(r.events, 'cert');
    expect(cert?.data).toMatchObject({
      notBefore: '2023-09-20T18:03:06Z',
      notAfter: '2023-12-19T18:03:06Z',
      role: 'workload',
      dnsNames: ['nebula-operator-webhook-service.default.svc', 'nebula-operator-webhook-service.default.svc.cluster.local'],
      origin: { kind: 'cert-manager', namespace: 'default', name: 'nebula-operator-webhook-cert' },
    });
    expect(cert?.data.fingerprintSha256).toBeUndefined();
  });
  it('defaults the namespace of namespaced manifests and ids them by content', () => {
    const file = 'kyverno-policies/istio/enforce-strict-mtls/.chainsaw-test/pa-bad.yaml';
    const r = parseLocal(file);
    const pas = ofType(r.events, 'k8s.resource');
    expect(pas.map((e) => [e.data.name, e.data.namespace, e.data.known])).toEqual([
      ['pa-bad01', 'default', true],
      ['pa-bad02', 'default', true],
      ['pa-bad03', 'default', true],
    ]);
    expect(pas[1]?.data.object).toMatchObject({ spec: { mtls: { mode: 'DISABLE' } } });
    expect(pas[0]?.id).toMatch(/^PeerAuthentication\/default\/pa-bad01@sha256:[0-9a-f]{32}$/);
    expect(parseLocal(file).events.map((e) => e.id)).toEqual(pas.map((e) => e.id));
    const edited = parseText(local(file).replace('PERMISSIVE', 'STRICT'), ctx({ file })).events;
    expect(edited[0]?.id).not.toBe(pas[0]?.id);
    expect(parseLocal(file, { namespace: 'istio-system' }).events[0]).toMatchObject({ data: { namespace: 'istio-system' } });
  });
  it('reads a CiliumNetworkPolicy with specs[] and keeps the whole object', () => {
    const r = parseLocal('kubescape-regolibrary/rules/ingress-and-egress-blocked/test/cnp-specs-list-passed/input/cilium_network_policy.yaml');
    const [cnp] = ofType(r.events, 'k8s.resource');
    expect(cnp?.data).toMatchObject({ apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', namespace: 'my-ns', name: 'baseline', known: true });
    expect(cnp?.data.object).toMatchObject({ specs: [{ endpointSelector: { matchLabels: {} } }] });
  });
  it('keeps workloads whole, pod template included', () => {
    const r = parseLocal('kyverno-policies/best-practices/require-drop-all/.chainsaw-test/good-podcontrollers.yaml');
    expectWellFormed(r);
    const kinds = ofType(r.events, 'k8s.resource').map((e) => e.data.kind);
    expect(kinds).toEqual(['Deployment', 'CronJob']);
    const deploy = ofType(r.events, 'k8s.resource')[0]?.data.object as { spec: { template: { spec: { initContainers: unknown[] } } } };
    expect(deploy.spec.template.spec.initContainers).toHaveLength(2);
  });
  it('reads a JSON object (kubescape ServiceAccount)', () => {
    const r = parseLocal('kubescape-regolibrary/rules/automount-service-account/test/cronjob-pod-true-sa-false/input/serviceaccount.json');
    expect(r.format).toBe('k8s-objects');
    expect(ofType(r.events, 'k8s.resource')[0]?.data).toMatchObject({ kind: 'ServiceAccount', namespace: 'kubescape-test', name: 'test-sa' });
  });
  it('expands `kubectl get -o json` Lists, typed lists included', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', uid: 'u1', resourceVersion: '7' } };
    const list = { apiVersion: 'v1', kind: 'List', items: [ns, { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name: 'deny' } }] };
    const podList = { apiVersion: 'v1', kind: 'PodList', metadata: {}, items: [{ metadata: { name: 'web-0', namespace: 'shop', uid: 'p1', resourceVersion: '9' } }] };
    const r1 = parseText(JSON.stringify(list, null, 2), ctx({ file: 'list.json' }));
    expect(r1.events.map((e) => e.type === 'k8s.resource' && [e.data.kind, e.data.namespace])).toEqual([
      ['Namespace', undefined],
      ['CiliumClusterwideNetworkPolicy', undefined],
    ]);
    expect(r1.events[0]?.id).toBe('u1@7');
    const r2 = parseText(JSON.stringify(podList), ctx({ file: 'pods.json' }));
    expect(r2.events[0]).toMatchObject({ id: 'p1@9', data: { kind: 'Pod', apiVersion: 'v1', namespace: 'shop' } });
  });
  it('reports a bad document of a multi-document file at its line, and carries on', () => {
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {}\n---\nkind: [unclosed\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n';
    const r = parseText(text, ctx({ file: 'm.yaml' }));
    expect(r.events.map((e) => e.type === 'k8s.resource' && e.data.name)).toEqual(['a', 'b']);
    expect(r.errors.map((e) => [e.line, e.reason.slice(0, 30)])).toEqual([
      [5, 'ConfigMap without metadata.nam'],
      [10, expect.stringMatching(/^invalid YAML/)],
    ]);
  });
});

describe('k8s-objects: certificates in Secrets and ConfigMaps', () => {
  const chain = local('spiffe/go-spiffe-x509svid/good-leaf-and-intermediate.pem');
  const key = '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgSECRETSECRETSECRET\n-----END PRIVATE KEY-----\n';
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'kubernetes.io/tls',
    metadata: { name: 'web-tls', namespace: 'shop', uid: 's1', resourceVersion: '3' },
    data: { 'tls.crt': b64(chain), 'tls.key': b64(key) },
  };
  it('reads tls.crt, never keeps tls.key', () => {
    const items = parseKubeObject(secret, ctx());
    const text = JSON.stringify(items);
    expect(text).not.toContain(b64(key).slice(0, 40));
    expect(text).not.toContain('SECRET');
    const resource = items[0];
    expect(resource?.ok && resource.event.type === 'k8s.resource' && resource.event.data.object.data).toEqual({ 'tls.crt': b64(chain) });
    const certs = items.slice(1).flatMap((i) => (i.ok && i.event.type === 'cert' ? [i.event.data] : []));
    expect(certs.map((c) => [c.role, c.spiffeIds[0], c.origin])).toEqual([
      ['workload', 'spiffe://example.org/workload-1', { kind: 'secret', namespace: 'shop', name: 'web-tls', path: 'tls.crt' }],
      ['ca', 'spiffe://example.org', { kind: 'secret', namespace: 'shop', name: 'web-tls', path: 'tls.crt' }],
    ]);
  });
  it('keeps key material out of errors about a broken Secret manifest', () => {
    const yaml = stringify(secret).replace('tls.key:', 'tls.key: : :');
    const r = parseText(yaml, ctx({ file: 'secret.yaml' }));
    expect(r.errors.length).toBeGreaterThan(0);
    expect(JSON.stringify(r.errors) + r.errors.map((e) => e.message).join()).not.toContain(b64(key).slice(20, 60));
  });
  it('reads trust bundles out of ConfigMaps (istio-ca-root-cert)', () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio-ca-root-cert', namespace: 'shop' }, data: { 'root-cert.pem': local('spiffe/go-spiffe-x509bundle/certs.pem') } };
    const r = parseText(stringify(cm), ctx({ file: 'cm.yaml' }));
    expectWellFormed(r);
    const certs = ofType(r.events, 'cert');
    expect(certs.map((c) => [c.data.role, c.data.subject])).toEqual([
      ['bundle', 'CN=PEMUTILTEST1'],
      ['bundle', 'CN=PEMUTILTEST2'],
    ]);
    expect(certs[0]?.data.origin).toEqual({ kind: 'configmap', namespace: 'shop', name: 'istio-ca-root-cert', path: 'root-cert.pem' });
  });
});
