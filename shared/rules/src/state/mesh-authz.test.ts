import { describe, expect, it } from 'vitest';
import type { KubeObject } from './kube-object';
import { authzNamespaceWide, isAllowNothing, isDenyAll, principalShape, principalsOf, ruleMatchesEverything } from './mesh-authz';

const ap = (spec: Record<string, unknown>, name = 'p'): KubeObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name, namespace: 'foo' },
  spec,
});

describe('principalShape', () => {
  it.each([
    ['cluster.local/ns/default/sa/sleep', { ok: true, kind: 'exact', trustDomain: 'cluster.local', namespace: 'default', serviceAccount: 'sleep' }],
    ['*', { ok: true, kind: 'any' }],
    ['cluster.local/ns/default/sa/*', { ok: true, kind: 'prefix', trustDomain: 'cluster.local' }],
    ['cluster.local/ns/default/*', { ok: true, kind: 'prefix', trustDomain: 'cluster.local' }],
    ['cluster.*', { ok: true, kind: 'prefix', tdPartial: 'cluster.' }],
    ['*/ns/default/sa/sleep', { ok: true, kind: 'suffix', tdPartial: '' }],
    ['*/sa/sleep', { ok: true, kind: 'suffix' }],
    ['*.local/ns/default/sa/sleep', { ok: true, kind: 'suffix', tdPartial: '.local' }],
    ['td-1.example.org/ns/kube-system/sa/coredns.v2', { ok: true, kind: 'exact', trustDomain: 'td-1.example.org', namespace: 'kube-system', serviceAccount: 'coredns.v2' }],
  ])('%s is well-formed', (p, shape) => expect(principalShape(p)).toEqual(shape));

  it.each([
    ['default/sleep', 'not of the form'],
    ['sleep', 'not of the form'],
    ['spiffe://cluster.local/ns/default/sa/sleep', 'spiffe://'],
    ['cluster.local/ns/*/sa/sleep', 'a * only works'],
    ['*cluster.local*', 'a * only works'],
    ['cluster.local/namespace/default/sa/sleep', 'invalid "ns"'],
    ['cluster.local/ns/Default/sa/sleep', 'invalid namespace'],
    ['cluster.local/ns/default/serviceaccount/sleep', 'invalid "sa"'],
    ['cluster.local/ns/default/sa/sleep/extra', 'not of the form'],
    ['/ns/default/sa/sleep', 'invalid trust domain'],
    ['cluster.local/ns/default/sa/', 'invalid service account'],
    ['*/ns/default/xa/sleep', 'invalid "sa"'],
  ])('%s is rejected', (p, why) => {
    const shape = principalShape(p);
    expect(shape.ok).toBe(false);
    if (!shape.ok) expect(shape.reason).toContain(why);
  });
});

describe('AuthorizationPolicy shapes', () => {
  it('tells allow-nothing (spec {}) from allow-all (rules [{}])', () => {
    expect(isAllowNothing(ap({}))).toBe(true);
    expect(isAllowNothing(ap({ action: 'ALLOW', rules: [] }))).toBe(true);
    expect(isAllowNothing(ap({ rules: [{}] }))).toBe(false);
    expect(isAllowNothing(ap({ action: 'DENY' }))).toBe(false);
    expect(isAllowNothing(ap({ action: 'CUSTOM', provider: { name: 'ext-authz' } }))).toBe(false);
    expect(ruleMatchesEverything({})).toBe(true);
    expect(ruleMatchesEverything({ from: [], to: [] })).toBe(true);
    expect(ruleMatchesEverything({ from: [{ source: {} }] })).toBe(true);
    expect(ruleMatchesEverything({ from: [{ source: { principals: ['cluster.local/ns/a/sa/b'] } }] })).toBe(false);
    expect(ruleMatchesEverything({ to: [{ operation: { methods: ['GET'] } }] })).toBe(false);
    expect(ruleMatchesEverything({ when: [{ key: 'request.auth.claims[iss]', values: ['x'] }] })).toBe(false);
    expect(isDenyAll(ap({ action: 'DENY', rules: [{}] }))).toBe(true);
  });

  it('is namespace-wide only without a selector or targetRefs', () => {
    expect(authzNamespaceWide(ap({}))).toBe(true);
    expect(authzNamespaceWide(ap({ selector: { matchLabels: {} } }))).toBe(true);
    expect(authzNamespaceWide(ap({ selector: { matchLabels: { app: 'x' } } }))).toBe(false);
    expect(authzNamespaceWide(ap({ targetRefs: [{ kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint' }] }))).toBe(false);
  });

  it('lists principals and notPrincipals with where they sit', () => {
    const policy = ap({
      rules: [
        { from: [{ source: { principals: ['a'] } }, { source: { notPrincipals: ['b', 'c'] } }] },
        { from: [{ source: { namespaces: ['x'] } }] },
      ],
    });
    expect(principalsOf(policy)).toEqual([
      { principal: 'a', field: 'principals', rule: 0, from: 0 },
      { principal: 'b', field: 'notPrincipals', rule: 0, from: 1 },
      { principal: 'c', field: 'notPrincipals', rule: 0, from: 1 },
    ]);
  });
});
