import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultRulesConfig } from '../../config';
import { edited, firing, FIXTURES, harness, loadManifests, namespace, resolved } from '../network/test-harness';
import { authzAllowAll } from './authz-allow-all';
import { authzDefaultDenyMissing } from './authz-default-deny-missing';
import { authzPrincipalInvalid } from './authz-principal-invalid';
import { authorizationPolicy, istioSample } from './test-mesh';

const meshed = (name: string) => namespace(name, { 'istio-injection': 'enabled' });
const allowSleep = (principals: string[], field: 'principals' | 'notPrincipals' = 'principals', action = 'ALLOW') =>
  authorizationPolicy('httpbin', 'foo', {
    action,
    selector: { matchLabels: { app: 'httpbin' } },
    rules: [{ from: [{ source: { [field]: principals } }], to: [{ operation: { methods: ['GET'] } }] }],
  });

describe('authz-default-deny-missing', () => {
  const rule = authzDefaultDenyMissing;

  it('fires for a meshed namespace without allow-nothing and resolves with the Kyverno fixture policy', () => {
    const h = harness(rule);
    const dir = join(FIXTURES, 'kyverno-policies/istio/require-authorizationpolicy/.chainsaw-test');
    const [goodNs] = loadManifests(join(dir, 'chainsaw-step-01-apply-1.yaml'));
    const [allowNothing] = loadManifests(join(dir, 'chainsaw-step-01-apply-2.yaml'));
    const ns = edited(goodNs!, (o) => (o.metadata.labels = { 'istio-injection': 'enabled' }));
    const [fired] = firing(h.apply(ns));
    expect(fired).toMatchObject({ subject: { kind: 'Namespace', name: 'istio-reqauthzpol-good-ns' }, evidence: { policiesInNamespace: [], meshRootNamespace: 'istio-system' } });
    expect(resolved(h.apply(allowNothing!))).toHaveLength(1);
    // Not meshed: nothing to say.
    expect(h.apply(namespace('plain'))).toEqual([]);
  });

  it('does not count selector-scoped or rule-bearing policies, and counts a mesh-wide allow-nothing for every namespace', () => {
    const h = harness(rule);
    h.apply(meshed('foo'), meshed('bar'), namespace('istio-system'));
    expect(h.apply(authorizationPolicy('scoped', 'foo', { selector: { matchLabels: { app: 'httpbin' } } }))).toEqual([]);
    expect(h.apply(allowSleep(['cluster.local/ns/foo/sa/sleep']))).toEqual([]);
    const mesh = authorizationPolicy('allow-nothing', 'istio-system', {});
    expect(resolved(h.apply(mesh)).map((s) => s.subject.name).sort()).toEqual(['bar', 'foo']);
    expect(firing(h.remove(mesh)).map((s) => s.subject.name).sort()).toEqual(['bar', 'foo']);
    // A namespace-wide deny-all also closes the namespace.
    expect(resolved(h.apply(authorizationPolicy('deny-all', 'bar', { action: 'DENY', rules: [{}] }))).map((s) => s.subject.name)).toEqual(['bar']);
  });
});

describe('authz-allow-all', () => {
  const rule = authzAllowAll;

  it('fires on rules: [{}] and not on spec: {} (allow-nothing)', () => {
    const h = harness(rule);
    expect(h.apply(authorizationPolicy('allow-nothing', 'foo', {}))).toEqual([]);
    const open = authorizationPolicy('allow-all', 'foo', { rules: [{}] });
    const [fired] = firing(h.apply(open));
    expect(fired).toMatchObject({
      subject: { namespace: 'foo', kind: 'AuthorizationPolicy', name: 'allow-all' },
      evidence: { action: 'ALLOW', matchAllRules: [{ rule: 0, spec: {} }], appliesTo: 'every workload in foo' },
    });
    expect(resolved(h.apply(edited(open, (o) => (o.spec!.rules = [{ from: [{ source: { principals: ['cluster.local/ns/foo/sa/sleep'] } }] }]))))).toHaveLength(1);
    expect(h.apply(authorizationPolicy('deny-everything', 'foo', { action: 'DENY', rules: [{}] }))).toEqual([]);
    expect(firing(h.apply(authorizationPolicy('mesh-open', 'istio-system', { action: 'ALLOW', rules: [{ to: [] }] })))[0]?.evidence).toMatchObject({ appliesTo: 'every workload in the mesh' });
  });

  it('is suppressed by ztv.io/ignore with a reason only', () => {
    const h = harness(rule);
    const ignore = { 'ztv.io/ignore': 'authz-allow-all' };
    expect(firing(h.apply(authorizationPolicy('a', 'foo', { rules: [{}] }, { ...ignore, 'ztv.io/ignore-reason': 'public gateway' })))[0]?.suppressedBy).toBe('annotation: public gateway');
    expect(firing(h.apply(authorizationPolicy('b', 'foo', { rules: [{}] }, ignore)))[0]?.suppressedBy).toBeUndefined();
  });
});

describe('authz-principal-invalid', () => {
  const rule = authzPrincipalInvalid;

  it('fires on a short principal and resolves with the full SPIFFE-style form', () => {
    const h = harness(rule);
    h.apply(meshed('foo'), ...istioSample('sleep', 'foo'));
    const [fired] = firing(h.apply(allowSleep(['foo/sleep'])));
    expect(fired).toMatchObject({
      subject: { namespace: 'foo', kind: 'AuthorizationPolicy', name: 'httpbin' },
      severity: 'medium',
      evidence: { action: 'ALLOW', problems: [{ principal: 'foo/sleep', field: 'principals', rule: 0, from: 0, effect: 'fails closed: the intended peer is not matched' }] },
    });
    expect(fired?.message).toBe('AuthorizationPolicy foo/httpbin names principal "foo/sleep", which is invalid');
    expect(resolved(h.apply(allowSleep(['cluster.local/ns/foo/sa/sleep'])))).toHaveLength(1);
  });

  it('checks trust domains and ServiceAccounts, but only where the namespace’s ServiceAccounts are known', () => {
    const h = harness(rule, defaultRulesConfig({ trustDomains: ['prod.example.com'] }));
    h.apply(meshed('foo'), ...istioSample('sleep', 'foo'));
    expect(firing(h.apply(allowSleep(['cluster.local/ns/foo/sa/sleep'])))[0]?.evidence).toMatchObject({
      problems: [{ reason: 'trust domain "cluster.local" is not one of prod.example.com' }],
    });
    expect(firing(h.apply(allowSleep(['prod.example.com/ns/foo/sa/slepe'])))).toHaveLength(0); // still firing, same subject
    const ctx = { state: h.engine.state, config: h.engine.config, now: new Date(), cluster: 'test' };
    expect(rule.check('foo', ctx)[0]?.evidence).toMatchObject({ problems: [{ reason: 'ServiceAccount foo/slepe does not exist (known: sleep)' }] });
    // Unknown namespace: cannot tell, so no violation. Wildcards per Istio: prefix, suffix, presence.
    expect(resolved(h.apply(allowSleep(['prod.example.com/ns/other/sa/api', 'prod.example.com/ns/foo/sa/*', '*/ns/foo/sa/sleep', '*'])))).toHaveLength(1);
    // A deleted ServiceAccount makes an existing policy wrong: re-checked everywhere.
    h.apply(allowSleep(['prod.example.com/ns/foo/sa/sleep']));
    h.apply(...istioSample('httpbin', 'foo'));
    const sleepSa = istioSample('sleep', 'foo')[0]!;
    expect(firing(h.remove(sleepSa), 'authz-principal-invalid')).toHaveLength(1);
  });

  it('raises severity when a bad principal makes the policy fail open', () => {
    const h = harness(rule);
    h.apply(meshed('foo'));
    expect(firing(h.apply(allowSleep(['cluster.local/ns/*/sa/sleep'], 'principals', 'DENY')))[0]).toMatchObject({
      severity: 'high',
      evidence: { problems: [{ effect: 'fails open: the rule matches requests it was meant to exclude' }] },
    });
    const notPrincipals = edited(allowSleep(['spiffe://cluster.local/ns/foo/sa/sleep'], 'notPrincipals'), (o) => (o.metadata.name = 'np'));
    expect(firing(h.apply(notPrincipals))[0]).toMatchObject({ severity: 'high', evidence: { problems: [{ reason: expect.stringContaining('spiffe://') }] } });
  });
});
