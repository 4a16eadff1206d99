import { describe, expect, it } from 'vitest';
import type { RuleContext } from '../../engine/types';
import type { KubeObject } from '../../state/kube-object';
import { netpolDnsEgressBlocked as rule } from './netpol-dns-egress-blocked';
import { edited, firing, harness, namespace, NOW, resolved } from './test-harness';

const np = (name: string, spec: Record<string, unknown>, ns = 'shop'): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: ns },
  spec,
});
const denyAll = np('default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const kubeDns = { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } };
const dnsPolicy = (ports: unknown[], podSelector: Record<string, unknown> = {}) =>
  np('allow-dns', { podSelector, policyTypes: ['Egress'], egress: [{ to: [kubeDns], ports }] });
const deployment = (name: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'shop' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image: `ghcr.io/acme/${name}:1.0` }] } },
  },
});

function evidenceOf(h: ReturnType<typeof harness>): Record<string, unknown> | undefined {
  const ctx: RuleContext = { state: h.engine.state, config: h.engine.config, now: new Date(NOW), cluster: 'test' };
  return rule.check('shop', ctx)[0]?.evidence;
}

describe('netpol-dns-egress-blocked', () => {
  it('fires when default-deny egress leaves DNS out, names the missing protocols, and resolves with UDP and TCP 53', () => {
    const h = harness(rule);
    h.apply(namespace('shop'), namespace('kube-system'), deployment('web'));
    const [fired] = firing(h.apply(denyAll));
    expect(fired).toMatchObject({
      subject: { namespace: 'shop', kind: 'Namespace', name: 'shop' },
      evidence: {
        missingProtocols: ['UDP', 'TCP'],
        egressIsolatedBy: ['NetworkPolicy shop/default-deny'],
        workloads: [{ workload: 'Deployment/web', missing: ['UDP', 'TCP'], allowedBy: [] }],
      },
    });
    expect(fired?.message).toBe('Egress is default-deny in namespace shop and 1 of 1 workload(s) cannot reach cluster DNS on UDP and TCP 53');
    // UDP only: DNS over TCP (truncated answers) still blocked.
    h.apply(dnsPolicy([{ protocol: 'UDP', port: 53 }]));
    expect(evidenceOf(h)).toMatchObject({ missingProtocols: ['TCP'] });
    expect(resolved(h.apply(dnsPolicy([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }])))).toHaveLength(1);
  });

  it('checks each workload against the policies that select it', () => {
    const h = harness(rule);
    h.apply(namespace('shop'), deployment('web'), deployment('worker'), denyAll);
    h.apply(dnsPolicy([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }], { matchLabels: { app: 'web' } }));
    expect(evidenceOf(h)).toMatchObject({ workloads: [{ workload: 'Deployment/worker', missing: ['UDP', 'TCP'] }] });
    expect(resolved(h.remove(deployment('worker')))).toHaveLength(1);
  });

  it('does not fire without default-deny egress, nor when the rule allows any destination on 53 or uses CoreDNS port names', () => {
    const h = harness(rule);
    h.apply(namespace('shop'), deployment('web'));
    expect(h.apply(np('ingress-only', { podSelector: {}, policyTypes: ['Ingress'] }))).toEqual([]);
    expect(firing(h.apply(denyAll))).toHaveLength(1);
    const anyDest = np('dns-anywhere', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] });
    expect(resolved(h.apply(anyDest))).toHaveLength(1);
    h.remove(anyDest);
    expect(resolved(h.apply(dnsPolicy([{ protocol: 'UDP', port: 'dns' }, { protocol: 'TCP', port: 'dns-tcp' }])))).toHaveLength(1);
    // The wrong pods in kube-system are not DNS.
    const wrongPods = edited(dnsPolicy([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]), (o) => {
      o.spec!.egress[0].to[0].podSelector = { matchLabels: { app: 'metrics-server' } };
    });
    expect(firing(h.apply(wrongPods))).toHaveLength(1);
  });

  it('reads Cilium toEndpoints with k8s: prefixes, protocol ANY, and the Cilium docs CCNP that allows only UDP', () => {
    const h = harness(rule);
    h.apply(namespace('shop'), deployment('web'));
    const ccnp: KubeObject = {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumClusterwideNetworkPolicy',
      metadata: { name: 'default-deny' },
      spec: {
        description: 'Block all the traffic (except DNS) by default',
        egress: [
          {
            toEndpoints: [{ matchLabels: { 'io.kubernetes.pod.namespace': 'kube-system', 'k8s-app': 'kube-dns' } }],
            toPorts: [{ ports: [{ port: '53', protocol: 'UDP' }], rules: { dns: [{ matchPattern: '*' }] } }],
          },
        ],
        endpointSelector: { matchExpressions: [{ key: 'io.kubernetes.pod.namespace', operator: 'NotIn', values: ['kube-system'] }] },
      },
    };
    const [fired] = firing(h.apply(ccnp));
    expect(fired?.evidence).toMatchObject({ missingProtocols: ['TCP'], egressIsolatedBy: ['CiliumClusterwideNetworkPolicy default-deny'] });
    const cnp: KubeObject = {
      apiVersion: 'cilium.io/v2',
      kind: 'CiliumNetworkPolicy',
      metadata: { name: 'dns', namespace: 'shop' },
      spec: {
        endpointSelector: {},
        egress: [
          {
            toEndpoints: [{ matchLabels: { 'k8s:io.kubernetes.pod.namespace': 'kube-system', 'k8s:k8s-app': 'kube-dns' } }],
            toPorts: [{ ports: [{ port: '53', protocol: 'ANY' }] }],
          },
        ],
      },
    };
    expect(resolved(h.apply(cnp))).toHaveLength(1);
    // Without the namespace label a namespaced policy's selector stays in its own namespace.
    const local = edited(cnp, (o) => (o.spec!.egress[0].toEndpoints = [{ matchLabels: { 'k8s-app': 'kube-dns' } }]));
    expect(firing(h.apply(local))).toHaveLength(1);
  });

  it('with no pods known, counts only namespace-wide allowances; honours the namespace ignore annotation with a reason', () => {
    const h = harness(rule);
    h.apply(namespace('shop', {}, { 'ztv.io/ignore': 'netpol-dns-egress-blocked', 'ztv.io/ignore-reason': 'egress via proxy only' }));
    const [fired] = firing(h.apply(denyAll));
    expect(fired?.evidence).toMatchObject({ workloads: [{ workload: '(every pod)' }] });
    expect(fired?.suppressedBy).toBe('annotation: egress via proxy only');
  });
});
