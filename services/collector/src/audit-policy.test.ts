import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/** deploy/audit/audit-policy.yaml (test/deploy/audit-config.test.ts checks its shape; this, what the collector's sources need). */
const deploy = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../deploy/audit');

interface Rule {
  level: string;
  verbs?: string[];
  namespaces?: string[];
  resources?: { group?: string; resources?: string[] }[];
  nonResourceURLs?: string[];
}
interface Request {
  verb: string;
  group?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  path?: string;
}

/** The apiserver's policy evaluation (k8s.io/apiserver/pkg/audit/policy): the first rule that matches decides. */
function levelOf(rules: Rule[], r: Request): string {
  const matches = (rule: Rule): boolean => {
    if (rule.verbs && !rule.verbs.includes(r.verb)) return false;
    if (r.path) return !!rule.nonResourceURLs?.some((u) => (u.endsWith('*') ? r.path?.startsWith(u.slice(0, -1)) : u === r.path)) && !rule.resources;
    if (rule.nonResourceURLs) return false;
    if (rule.namespaces && !rule.namespaces.includes(r.namespace ?? '')) return false;
    if (!rule.resources) return true;
    const name = r.subresource ? `${r.resource}/${r.subresource}` : r.resource;
    return rule.resources.some((g) => (g.group ?? '') === (r.group ?? '') && (!g.resources || g.resources.includes(name ?? '') || g.resources.includes(`${r.resource}/*`)));
  };
  return rules.find(matches)?.level ?? 'None';
}

describe('deploy/audit/audit-policy.yaml', () => {
  const policy = parse(readFileSync(resolve(deploy, 'audit-policy.yaml'), 'utf8')) as { apiVersion: string; kind: string; omitStages: string[]; rules: Rule[] };
  const level = (r: Request) => levelOf(policy.rules, r);

  it('is an audit.k8s.io/v1 Policy that drops the RequestReceived stage', () => {
    expect(policy).toMatchObject({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', omitStages: ['RequestReceived'] });
  });

  it('records what the rules read at the level they need', () => {
    // Node clocks from Lease renewals need the request body.
    expect(level({ verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease' })).toBe('Request');
    expect(level({ verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-system' })).toBe('None');
    // policy-tampered needs the before/after of security policies.
    expect(level({ verb: 'delete', group: 'networking.k8s.io', resource: 'networkpolicies', namespace: 'payments' })).toBe('RequestResponse');
    expect(level({ verb: 'patch', group: 'security.istio.io', resource: 'peerauthentications', namespace: 'istio-system' })).toBe('RequestResponse');
    expect(level({ verb: 'update', group: 'cilium.io', resource: 'ciliumnetworkpolicies', namespace: 'payments' })).toBe('RequestResponse');
    // exec-into-workload: who, where, whether it succeeded.
    expect(level({ verb: 'create', group: '', resource: 'pods', subresource: 'exec', namespace: 'payments' })).toBe('Metadata');
    expect(level({ verb: 'update', group: '', resource: 'pods', subresource: 'ephemeralcontainers', namespace: 'payments' })).toBe('Metadata');
  });

  it('records Secrets at Metadata only, and keeps reads and noise out', () => {
    for (const verb of ['get', 'list', 'create', 'update', 'patch', 'delete']) expect(level({ verb, group: '', resource: 'secrets', namespace: 'payments' })).toBe('Metadata');
    expect(level({ verb: 'list', group: '', resource: 'pods', namespace: 'payments' })).toBe('None');
    expect(level({ verb: 'get', group: 'networking.k8s.io', resource: 'networkpolicies', namespace: 'payments' })).toBe('None');
    expect(level({ verb: 'create', group: '', resource: 'events', namespace: 'payments' })).toBe('None');
    expect(level({ verb: 'get', path: '/healthz/etcd' })).toBe('None');
    expect(level({ verb: 'create', group: 'apps', resource: 'deployments', namespace: 'payments' })).toBe('None');
  });
});
