import type { Subject } from '@ztv/events';
import type { RemediationMode } from '@ztv/store';
import type { KubeObject } from './kube-ops';

/* Scenarios that drive every playbook through its whole path (read, precheck, plan, dry run, apply, verify) against the
   emulator: playbooks.test.ts asserts their outcomes, rbac.test.ts derives the API calls they make. Each uses its own
   namespace / nodes, so they can share one emulator. */

export interface Scenario {
  name: string;
  playbook: string;
  mode: RemediationMode;
  ruleId: string;
  subject: Subject;
  evidence?: Record<string, unknown>;
  seed: KubeObject[];
  expect: 'succeeded' | 'refused' | 'failed' | 'awaiting_approval' | 'planned';
}

const digest = `@sha256:${'b'.repeat(64)}`;
export const namespace = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});
export const pod = (
  ns: string,
  name: string,
  opts: {
    sidecar?: boolean;
    owner?: { kind: string; name: string };
    labels?: Record<string, string>;
    hostNetwork?: boolean;
    serviceAccount?: string;
    phase?: string;
  } = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: ns,
    labels: { app: name, ...opts.labels },
    ...(opts.owner
      ? {
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: opts.owner.kind,
              name: opts.owner.name,
              uid: `uid-${opts.owner.name}`,
              controller: true,
            },
          ],
        }
      : {}),
  },
  spec: {
    ...(opts.serviceAccount ? { serviceAccountName: opts.serviceAccount } : {}),
    ...(opts.hostNetwork ? { hostNetwork: true } : {}),
    containers: [
      { name: 'app', image: `app${digest}` },
      ...(opts.sidecar ? [{ name: 'istio-proxy', image: `proxyv2${digest}` }] : []),
    ],
  },
  status: { phase: opts.phase ?? 'Running' },
});
export const deployment = (ns: string, name: string, serviceAccount = 'default'): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { serviceAccountName: serviceAccount, containers: [{ name: 'app', image: `app${digest}` }] },
    },
  },
});
export const workload = (kind: 'StatefulSet' | 'DaemonSet', ns: string, name: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind,
  metadata: { name, namespace: ns },
  spec: {
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'app', image: `app${digest}` }] },
    },
  },
});
export const replicaSet = (ns: string, name: string, deploymentName: string): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name,
    namespace: ns,
    ownerReferences: [
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        name: deploymentName,
        uid: `uid-${deploymentName}`,
        controller: true,
      },
    ],
  },
  spec: {
    selector: { matchLabels: { app: deploymentName } },
    template: {
      metadata: { labels: { app: deploymentName } },
      spec: { containers: [{ name: 'app', image: `app${digest}` }] },
    },
  },
});
export const node = (name: string, ready = true): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  spec: {},
  status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
export const peerAuthentication = (
  ns: string,
  name: string,
  mode: string,
  selector?: Record<string, string>,
): KubeObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name, namespace: ns },
  spec: { ...(selector ? { selector: { matchLabels: selector } } : {}), mtls: { mode } },
});
export const allowPolicy = (ns: string, name: string): KubeObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name, namespace: ns },
  spec: {
    selector: { matchLabels: { app: 'api' } },
    action: 'ALLOW',
    rules: [{ from: [{ source: { principals: [`cluster.local/ns/${ns}/sa/web`] } }] }],
  },
});
const nsSubject = (name: string): Subject => ({ namespace: name, kind: 'Namespace', name });

/** The success path of every playbook: the calls rbac.test.ts derives the ClusterRole from. */
export const successScenarios: Scenario[] = [
  {
    name: 'apply-default-deny',
    playbook: 'apply-default-deny',
    mode: 'auto',
    ruleId: 'netpol-default-deny-missing',
    subject: nsSubject('s-deny'),
    seed: [namespace('s-deny'), pod('s-deny', 'web')],
    expect: 'succeeded',
  },
  {
    name: 'allow-dns-egress',
    playbook: 'allow-dns-egress',
    mode: 'auto',
    ruleId: 'netpol-dns-egress-blocked',
    subject: nsSubject('s-dns'),
    seed: [namespace('s-dns')],
    expect: 'succeeded',
  },
  {
    name: 'enforce-strict-mtls creates PeerAuthentication default',
    playbook: 'enforce-strict-mtls',
    mode: 'auto',
    ruleId: 'mtls-not-strict',
    subject: nsSubject('s-mtls'),
    seed: [
      namespace('s-mtls', { 'istio-injection': 'enabled' }),
      pod('s-mtls', 'web', { sidecar: true }),
      pod('s-mtls', 'migrate', { phase: 'Succeeded' }),
    ],
    expect: 'succeeded',
  },
  {
    name: 'enforce-strict-mtls patches the existing namespace-wide policy',
    playbook: 'enforce-strict-mtls',
    mode: 'auto',
    ruleId: 'mtls-not-strict',
    subject: nsSubject('s-mtls2'),
    seed: [
      namespace('s-mtls2', { 'istio.io/dataplane-mode': 'ambient' }),
      pod('s-mtls2', 'web'),
      peerAuthentication('s-mtls2', 'mesh-default', 'PERMISSIVE'),
    ],
    expect: 'succeeded',
  },
  {
    name: 'enforce-strict-mtls on a workload policy and its weak ports',
    playbook: 'enforce-strict-mtls',
    mode: 'auto',
    ruleId: 'mtls-not-strict',
    subject: { namespace: 's-mtls3', kind: 'PeerAuthentication', name: 'legacy' },
    seed: [
      namespace('s-mtls3'),
      pod('s-mtls3', 'legacy', { sidecar: true }),
      {
        ...peerAuthentication('s-mtls3', 'legacy', 'PERMISSIVE', { app: 'legacy' }),
        spec: {
          selector: { matchLabels: { app: 'legacy' } },
          mtls: { mode: 'PERMISSIVE' },
          portLevelMtls: { '8080': { mode: 'DISABLE' }, '9090': { mode: 'STRICT' } },
        },
      },
    ],
    expect: 'succeeded',
  },
  {
    name: 'apply-authz-allow-nothing',
    playbook: 'apply-authz-allow-nothing',
    mode: 'auto',
    ruleId: 'authz-default-deny-missing',
    subject: nsSubject('s-authz'),
    seed: [namespace('s-authz', { 'istio-injection': 'enabled' }), allowPolicy('s-authz', 'api-from-web')],
    expect: 'succeeded',
  },
  {
    name: 'rollout-restart of a pod’s Deployment',
    playbook: 'rollout-restart',
    mode: 'auto',
    ruleId: 'sidecar-missing',
    subject: { namespace: 's-roll', kind: 'Pod', name: 'api-7d9f-x1' },
    seed: [
      namespace('s-roll'),
      deployment('s-roll', 'api'),
      replicaSet('s-roll', 'api-7d9f', 'api'),
      pod('s-roll', 'api-7d9f-x1', { owner: { kind: 'ReplicaSet', name: 'api-7d9f' } }),
    ],
    expect: 'succeeded',
  },
  {
    name: 'rollout-restart of a ServiceAccount’s workloads',
    playbook: 'rollout-restart',
    mode: 'auto',
    ruleId: 'cert-expiring',
    subject: {
      spiffeId: 'spiffe://cluster.local/ns/s-roll2/sa/api',
      namespace: 's-roll2',
      serviceAccount: 'api',
    },
    seed: [
      namespace('s-roll2'),
      deployment('s-roll2', 'api', 'api'),
      deployment('s-roll2', 'other', 'other'),
    ],
    expect: 'succeeded',
  },
  {
    name: 'rollout-restart of a StatefulSet',
    playbook: 'rollout-restart',
    mode: 'auto',
    ruleId: 'sidecar-missing',
    subject: { namespace: 's-roll3', kind: 'StatefulSet', name: 'db' },
    seed: [namespace('s-roll3'), workload('StatefulSet', 's-roll3', 'db')],
    expect: 'succeeded',
  },
  {
    name: 'rollout-restart of a DaemonSet pod',
    playbook: 'rollout-restart',
    mode: 'auto',
    ruleId: 'sidecar-missing',
    subject: { namespace: 's-roll4', kind: 'Pod', name: 'agent-x2' },
    seed: [
      namespace('s-roll4'),
      workload('DaemonSet', 's-roll4', 'agent'),
      pod('s-roll4', 'agent-x2', { owner: { kind: 'DaemonSet', name: 'agent' } }),
    ],
    expect: 'succeeded',
  },
  {
    name: 'cordon-node',
    playbook: 'cordon-node',
    mode: 'auto',
    ruleId: 'clock-drift',
    subject: { node: 'n-drift' },
    seed: [node('n-drift'), node('n-ok')],
    expect: 'succeeded',
  },
  {
    name: 'quarantine-pod',
    playbook: 'quarantine-pod',
    mode: 'auto',
    ruleId: 'flow-identity-mismatch',
    subject: { namespace: 's-quar', kind: 'Deployment', name: 'web' },
    evidence: { source: { namespace: 's-quar', pod: 'web-1' } },
    seed: [namespace('s-quar'), pod('s-quar', 'web-1')],
    expect: 'succeeded',
  },
];
