import { readFileSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AuditWebhookSource } from '../../services/collector/src/sources/audit-webhook';
import { deployDir } from './render';

type Level = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
interface PolicyRule {
  level: Level;
  verbs?: string[];
  namespaces?: string[];
  resources?: { group: string; resources?: string[]; resourceNames?: string[] }[];
  users?: string[];
  userGroups?: string[];
  nonResourceURLs?: string[];
  omitStages?: string[];
}
const policy = parse(readFileSync(`${deployDir}audit/audit-policy.yaml`, 'utf8')) as { apiVersion: string; kind: string; omitStages?: string[]; rules: PolicyRule[] };

/** The kube-apiserver's policy evaluation for a resource request: the first rule that matches decides the level. */
function levelFor(req: { verb: string; group: string; resource: string; namespace?: string }): Level {
  for (const r of policy.rules) {
    if (r.verbs && !r.verbs.includes(req.verb)) continue;
    if (r.namespaces && !(req.namespace && r.namespaces.includes(req.namespace))) continue;
    if (r.nonResourceURLs) continue;
    if (r.resources && !r.resources.some((g) => g.group === req.group && (!g.resources || g.resources.includes(req.resource) || g.resources.includes(`${req.resource.split('/')[0]}/*`)))) continue;
    return r.level;
  }
  return 'None';
}

describe('the kube-apiserver audit policy sample', () => {
  it('is an audit.k8s.io/v1 Policy with known fields and levels, and skips the RequestReceived stage', () => {
    expect(policy).toMatchObject({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy' });
    expect(policy.omitStages).toContain('RequestReceived');
    const fields = new Set(['level', 'verbs', 'namespaces', 'resources', 'users', 'userGroups', 'nonResourceURLs', 'omitStages', 'omitManagedFields']);
    for (const r of policy.rules) {
      expect(Object.keys(r).filter((k) => !fields.has(k))).toEqual([]);
      expect(['None', 'Metadata', 'Request', 'RequestResponse']).toContain(r.level);
    }
    expect(policy.rules.at(-1)).toEqual({ level: 'None' });
  });

  it('records every change to a security policy with the object after it (policy-tampered)', () => {
    for (const [group, resource] of [['networking.k8s.io', 'networkpolicies'], ['security.istio.io', 'peerauthentications'], ['security.istio.io', 'authorizationpolicies'], ['cilium.io', 'ciliumnetworkpolicies'], ['cilium.io', 'ciliumclusterwidenetworkpolicies']] as const) {
      for (const verb of ['create', 'update', 'patch', 'delete', 'deletecollection']) expect(levelFor({ verb, group, resource, namespace: 'payments' }), `${verb} ${resource}`).toBe('RequestResponse');
      expect(levelFor({ verb: 'get', group, resource, namespace: 'payments' })).toBe('None');
    }
  });

  it('records exec, attach, port-forward and ephemeral containers (exec-into-workload) and lease renewals (clock-drift)', () => {
    for (const resource of ['pods/exec', 'pods/attach', 'pods/portforward']) expect(levelFor({ verb: 'create', group: '', resource, namespace: 'payments' })).toBe('Metadata');
    expect(levelFor({ verb: 'patch', group: '', resource: 'pods/ephemeralcontainers', namespace: 'payments' })).toBe('Metadata');
    expect(levelFor({ verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-node-lease' })).toBe('Request');
    expect(levelFor({ verb: 'update', group: 'coordination.k8s.io', resource: 'leases', namespace: 'kube-system' })).toBe('None');
  });

  it('never records a Secret or ConfigMap body, nor reads of anything', () => {
    for (const resource of ['secrets', 'configmaps']) for (const verb of ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete']) expect(['None', 'Metadata']).toContain(levelFor({ verb, group: '', resource, namespace: 'payments' }));
    for (const verb of ['get', 'list', 'watch']) expect(levelFor({ verb, group: '', resource: 'pods', namespace: 'payments' })).toBe('None');
  });
});

describe('the audit webhook kubeconfig sample', () => {
  const text = readFileSync(`${deployDir}audit/audit-webhook-kubeconfig.yaml`, 'utf8');

  it('is a kubeconfig that points at the collector\'s audit endpoint over verified TLS', () => {
    const kc = new KubeConfig();
    kc.loadFromString(text);
    const cluster = kc.getCurrentCluster()!;
    const url = new URL(cluster.server);
    expect(url.protocol).toBe('https:');
    expect(url.pathname).toBe(AuditWebhookSource.path);
    expect(cluster.skipTLSVerify).toBe(false);
    expect(cluster.caFile).toMatch(/^\/etc\/kubernetes\//);
  });

  it('takes its credentials from files, never inline', () => {
    const raw = parse(text) as { users: { user: Record<string, unknown> }[] };
    for (const { user } of raw.users) {
      expect(Object.keys(user).filter((k) => ['token', 'password', 'client-key-data', 'client-certificate-data'].includes(k))).toEqual([]);
      expect(user.tokenFile ?? user['client-key']).toMatch(/^\/etc\/kubernetes\//);
    }
  });
});
