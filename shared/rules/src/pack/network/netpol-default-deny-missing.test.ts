import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRulesConfig } from '../../config';
import type { KubeObject } from '../../state/kube-object';
import { netpolDefaultDenyMissing as rule } from './netpol-default-deny-missing';
import { edited, firing, FIXTURES, harness, loadManifests, namespace, resolved } from './test-harness';

const kubescape = (test: string) => join(FIXTURES, 'kubescape-regolibrary/rules/ingress-and-egress-blocked/test', test, 'input');
const load = (test: string, file: string) => loadManifests(join(kubescape(test), file));

const np = (name: string, ns: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns },
  spec,
});
const cnp = (name: string, ns: string | undefined, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'cilium.io/v2',
  kind: ns ? 'CiliumNetworkPolicy' : 'CiliumClusterwideNetworkPolicy',
  metadata: { name, ...(ns ? { namespace: ns } : {}) },
  spec,
});

describe('netpol-default-deny-missing', () => {
  it('fires for a namespace with no policy and resolves with the canonical deny-all NetworkPolicy (Kubescape fixture)', () => {
    const h = harness(rule);
    const [fired] = firing(h.apply(namespace('my-ns')));
    expect(fired).toMatchObject({
      subject: { namespace: 'my-ns', kind: 'Namespace', name: 'my-ns' },
      evidence: { missing: ['ingress', 'egress'], ingress: { defaultDeny: false, isolatedBy: [] } },
    });
    expect(fired?.message).toBe('Namespace my-ns has no default-deny ingress and egress policy covering all of its pods');
    const [policy] = load('default-policy', 'networkpolicy.yaml');
    const out = h.apply(policy!);
    expect(resolved(out)).toHaveLength(1);
    expect(firing(h.remove(policy!))).toHaveLength(1);
  });

  it('combines an ingress NetworkPolicy with an egress CiliumNetworkPolicy (Kubescape mixed-np-cnp)', () => {
    const h = harness(rule);
    h.apply(namespace('my-ns'));
    const [ingressOnly] = load('mixed-np-cnp', 'networkpolicy.yaml');
    const [egressCnp] = load('mixed-np-cnp', 'cilium_network_policy.yaml');
    const first = firing(h.apply(ingressOnly!));
    // Still firing (same subject, same severity): no new signal, and not resolved either.
    expect(first).toHaveLength(0);
    expect(h.evaluateAll()).toEqual([]);
    expect(resolved(h.apply(egressCnp!))).toHaveLength(1);
  });

  it('applies the API server policyTypes defaulting: egress only when egress rules exist', () => {
    const h = harness(rule);
    h.apply(namespace('shop'));
    const noTypes = np('deny', 'shop', { podSelector: {} });
    expect(h.apply(noTypes)).toEqual([]);
    expect(h.apply(edited(noTypes, (o) => (o.spec!.egress = [])))).toEqual([]);
    const withEgressRule = edited(noTypes, (o) => (o.spec!.egress = [{ to: [{ podSelector: { matchLabels: { app: 'db' } } }] }]));
    expect(resolved(h.apply(withEgressRule))).toHaveLength(1);
  });

  it('does not count a deny-all next to a namespace-wide allow-everything rule', () => {
    const h = harness(rule);
    h.apply(namespace('shop'), np('default-deny', 'shop', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }));
    const [fired] = firing(h.apply(np('allow-all-ingress', 'shop', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] })));
    expect(fired?.evidence).toMatchObject({
      missing: ['ingress'],
      ingress: {
        defaultDeny: false,
        isolatedBy: ['NetworkPolicy shop/default-deny', 'NetworkPolicy shop/allow-all-ingress'],
        reopenedBy: [{ policy: 'NetworkPolicy shop/allow-all-ingress', rule: 0 }],
      },
      egress: { defaultDeny: true },
    });
    // A policy for some pods only, or a namespace-wide rule for some peers, keeps the default deny.
    expect(resolved(h.apply(np('allow-all-ingress', 'shop', { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }] })))).toHaveLength(1);
  });

  it('follows Cilium: any rule in a section isolates, `[]` does not, enableDefaultDeny overrides, specs are separate rules', () => {
    const h = harness(rule);
    h.apply(namespace('my-ns'));
    const [emptySpecs] = load('cnp-specs-empty-failed', 'cilium_network_policy.yaml');
    expect(h.apply(emptySpecs!)).toEqual([]);
    const [split] = load('cnp-specs-multiple-passed', 'cilium_network_policy.yaml');
    expect(resolved(h.apply(split!))).toHaveLength(1);
    h.remove(split!);
    expect(h.apply(cnp('sections', 'my-ns', { endpointSelector: {}, ingress: [], egress: [] }))).toEqual([]);
    const optOut = cnp('opt-out', 'my-ns', { endpointSelector: {}, ingress: [{}], egress: [{}], enableDefaultDeny: { ingress: false, egress: false } });
    expect(h.apply(optOut)).toEqual([]);
    const deny = cnp('deny', 'my-ns', { endpointSelector: {}, ingress: [{}], egressDeny: [{ toEntities: ['world'] }] });
    expect(resolved(h.apply(deny))).toHaveLength(1);
    // A selector that picks some pods does not cover the namespace.
    expect(firing(h.apply(edited(deny, (o) => (o.spec!.endpointSelector = { matchLabels: { app: 'web' } }))))).toHaveLength(1);
  });

  it('takes cluster-wide policies into every namespace their namespace-only selector matches', () => {
    const h = harness(rule);
    h.apply(namespace('shop'), namespace('payments', { tier: 'pci' }), namespace('kube-system'));
    const ccnp = cnp('default-deny', undefined, {
      endpointSelector: { matchExpressions: [{ key: 'io.kubernetes.pod.namespace', operator: 'NotIn', values: ['kube-system'] }] },
      ingress: [{}],
      egress: [{ toEndpoints: [{ matchLabels: { 'io.kubernetes.pod.namespace': 'kube-system', 'k8s-app': 'kube-dns' } }] }],
    });
    const out = h.apply(ccnp);
    expect(resolved(out).map((s) => s.subject.name).sort()).toEqual(['payments', 'shop']);
    const pciOnly = edited(ccnp, (o) => (o.spec!.endpointSelector = { matchLabels: { 'k8s:io.cilium.k8s.namespace.labels.tier': 'pci' } }));
    expect(firing(h.apply(pciOnly)).map((s) => s.subject.name)).toEqual(['shop']);
    expect(firing(h.remove(pciOnly)).map((s) => s.subject.name)).toEqual(['payments']);
  });

  it('reads an empty fromEndpoints selector in a cluster-wide policy as every endpoint: no default deny (Kubescape ccnp fixture)', () => {
    const h = harness(rule);
    h.apply(namespace('my-ns'));
    const [ccnp] = load('ccnp-ingress-egress', 'cilium_clusterwide_network_policy.yaml');
    expect(h.apply(ccnp!)).toEqual([]);
    const [v] = rule.check('my-ns', { state: h.engine.state, config: h.engine.config, now: new Date(), cluster: 'test' });
    expect(v?.evidence).toMatchObject({ ingress: { isolatedBy: ['CiliumClusterwideNetworkPolicy cluster-deny-all'], reopenedBy: [{ reason: 'an empty endpoint selector in a cluster-wide policy matches every endpoint' }] } });
  });

  it('honours ztv.io/ignore only with a reason, the default system-namespace exception, and ignoredNamespaces', () => {
    const h = harness(rule);
    const [withReason] = firing(h.apply(namespace('legacy', {}, { 'ztv.io/ignore': 'netpol-default-deny-missing', 'ztv.io/ignore-reason': 'decommissioned in Q3' })));
    expect(withReason?.suppressedBy).toBe('annotation: decommissioned in Q3');
    const [noReason] = firing(h.apply(namespace('legacy2', {}, { 'ztv.io/ignore': 'netpol-default-deny-missing' })));
    expect(noReason?.suppressedBy).toBeUndefined();
    const [system] = firing(h.apply(namespace('kube-system')));
    expect(system?.suppressedBy).toMatch(/^exception: Kubernetes system namespace/);
    const ignoring = harness(rule, defaultRulesConfig({ ignoredNamespaces: ['sandbox'] }));
    expect(ignoring.apply(namespace('sandbox'))).toEqual([]);
  });

  it('resolves when the namespace is gone', () => {
    const h = harness(rule);
    const ns = namespace('tmp');
    expect(firing(h.apply(ns))).toHaveLength(1);
    expect(resolved(h.remove(ns))).toHaveLength(1);
  });
});
