import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../state/kube-object';
import { netpolAllowAll as rule } from './netpol-allow-all';
import { edited, firing, FIXTURES, harness, loadManifests, resolved } from './test-harness';

const np = (name: string, spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: 'shop', ...(annotations ? { annotations } : {}) },
  spec,
});
const cnp = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: 'cilium.io/v2',
  kind: 'CiliumNetworkPolicy',
  metadata: { name, namespace: 'shop' },
  spec,
});

describe('netpol-allow-all', () => {
  it('fires on an empty ingress rule and resolves when the rule names its peers', () => {
    const h = harness(rule);
    const open = np('allow-all-ingress', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] });
    const [fired] = firing(h.apply(open));
    expect(fired).toMatchObject({
      subject: { namespace: 'shop', kind: 'NetworkPolicy', name: 'allow-all-ingress' },
      evidence: { directions: ['ingress'], rules: [{ direction: 'ingress', rule: 0, scope: 'everything', spec: {} }] },
    });
    expect(fired?.message).toContain('NetworkPolicy shop/allow-all-ingress allows all ingress traffic');
    const fixed = edited(open, (o) => (o.spec!.ingress = [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 8080 }] }]));
    expect(resolved(h.apply(fixed))).toHaveLength(1);
  });

  it('flags every-namespace selectors and 0.0.0.0/0 without except, not port-restricted or excepted ones', () => {
    const h = harness(rule);
    const allNs = np('from-everywhere', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] });
    expect(firing(h.apply(allNs))[0]?.evidence).toMatchObject({ rules: [{ scope: 'all-pods' }] });
    const internet = np('to-internet', { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] });
    expect(firing(h.apply(internet))[0]?.evidence).toMatchObject({ directions: ['egress'], rules: [{ scope: 'internet' }] });
    expect(resolved(h.apply(edited(internet, (o) => (o.spec!.egress[0].ports = [{ port: 443 }]))))).toHaveLength(1);
    expect(firing(h.apply(edited(internet, (o) => (o.spec!.egress[0].to[0].ipBlock.except = ['10.0.0.0/8']))))).toHaveLength(0);
    // Egress rules in a policy whose policyTypes leave Egress out have no effect.
    expect(h.apply(np('inert', { podSelector: {}, policyTypes: ['Ingress'], egress: [{}] }))).toEqual([]);
    // A namespaceSelector {} narrowed by a podSelector is not everyone.
    expect(h.apply(np('monitoring', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'prometheus' } } }] }] }))).toEqual([]);
  });

  it('reads Cilium entities and selectors with Cilium semantics', () => {
    const h = harness(rule);
    expect(firing(h.apply(cnp('all', { endpointSelector: {}, ingress: [{ fromEntities: ['all'] }] })))[0]?.evidence).toMatchObject({
      rules: [{ scope: 'everything', reason: 'entity "all" matches every peer inside and outside the cluster' }],
    });
    expect(firing(h.apply(cnp('world', { endpointSelector: {}, egress: [{ toEntities: ['world'] }] })))[0]?.evidence).toMatchObject({ rules: [{ scope: 'internet' }] });
    expect(firing(h.apply(cnp('cidr', { endpointSelector: {}, egress: [{ toCIDRSet: [{ cidr: '::/0' }] }] })))).toHaveLength(1);
    // `{}` allows nothing in Cilium; `toEndpoints: [{}]` in a namespaced policy is this namespace; ports narrow it.
    expect(h.apply(cnp('deny', { endpointSelector: {}, ingress: [{}], egress: [{}] }))).toEqual([]);
    expect(h.apply(cnp('same-ns', { endpointSelector: {}, egress: [{ toEndpoints: [{}] }] }))).toEqual([]);
    expect(h.apply(cnp('https-out', { endpointSelector: {}, egress: [{ toEntities: ['world'], toPorts: [{ ports: [{ port: '443', protocol: 'TCP' }] }] }] }))).toEqual([]);
  });

  it('flags the cluster-wide empty endpoint selector in the Kubescape CCNP fixture', () => {
    const h = harness(rule);
    const [ccnp] = loadManifests(join(FIXTURES, 'kubescape-regolibrary/rules/ingress-and-egress-blocked/test/ccnp-ingress-egress/input/cilium_clusterwide_network_policy.yaml'));
    const [fired] = firing(h.apply(ccnp!));
    expect(fired).toMatchObject({ subject: { kind: 'CiliumClusterwideNetworkPolicy', name: 'cluster-deny-all' }, evidence: { directions: ['ingress', 'egress'] } });
    expect(fired?.subject.namespace).toBeUndefined();
    expect(resolved(h.remove(ccnp!))).toHaveLength(1);
  });

  it('is suppressed by ztv.io/ignore with a reason only', () => {
    const h = harness(rule);
    const ignore = { 'ztv.io/ignore': 'netpol-allow-all' };
    expect(firing(h.apply(np('a', { podSelector: {}, ingress: [{}] }, { ...ignore, 'ztv.io/ignore-reason': 'public ingress gateway' })))[0]?.suppressedBy).toBe(
      'annotation: public ingress gateway',
    );
    expect(firing(h.apply(np('b', { podSelector: {}, ingress: [{}] }, ignore)))[0]?.suppressedBy).toBeUndefined();
  });
});
