import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allowPolicy,
  namespace,
  node,
  peerAuthentication,
  pod,
  successScenarios,
  type Scenario,
} from './playbook-scenarios';
import type { KubeObject } from './kube-ops';
import type { RunRecord } from './record';
import { startHarness, type Harness } from './test-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(() => h.close());

async function play(s: Omit<Scenario, 'name'>) {
  h.seed(s.seed);
  const id = await h.request(s.playbook, s.mode, s.ruleId, s.subject, s.evidence);
  const err = await h.run(id);
  const row = (await h.row(id))!;
  return { id, err, row, record: row.result as RunRecord };
}
const get = (apiVersion: string, kind: string, ns: string | undefined, name: string) =>
  h.emu.get(apiVersion, kind, ns, name) as unknown as KubeObject | undefined;

describe('every playbook, end to end against the API emulator', () => {
  const outcomes = new Map<string, Awaited<ReturnType<typeof play>>>();
  beforeAll(async () => {
    for (const s of successScenarios) outcomes.set(s.name, await play(s));
  }, 60_000);

  it.each(successScenarios.map((s) => [s.name, s] as const))('%s succeeds and verifies', (name) => {
    const o = outcomes.get(name)!;
    expect(o.row.error).toBeNull();
    expect(o.row.status).toBe('succeeded');
    expect(o.record.verification?.ok).toBe(true);
    expect(o.record.applied.length).toBeGreaterThan(0);
  });

  it('leaves the cluster in the state each playbook promises', () => {
    expect(get('security.istio.io/v1', 'PeerAuthentication', 's-mtls', 'default')?.spec).toEqual({
      mtls: { mode: 'STRICT' },
    });
    // An existing namespace-wide policy is changed in place (Istio uses the oldest of several), not shadowed.
    expect(get('security.istio.io/v1', 'PeerAuthentication', 's-mtls2', 'mesh-default')?.spec).toEqual({
      mtls: { mode: 'STRICT' },
    });
    expect(get('security.istio.io/v1', 'PeerAuthentication', 's-mtls2', 'default')).toBeUndefined();
    expect(get('security.istio.io/v1', 'PeerAuthentication', 's-mtls3', 'legacy')?.spec).toEqual({
      selector: { matchLabels: { app: 'legacy' } },
      mtls: { mode: 'STRICT' },
      portLevelMtls: { '8080': { mode: 'STRICT' }, '9090': { mode: 'STRICT' } },
    });
    expect(outcomes.get('apply-authz-allow-nothing')!.record.notes?.join()).toMatch(
      /only way in.*api-from-web/,
    );
    expect(get('security.istio.io/v1', 'AuthorizationPolicy', 's-authz', 'ztv-allow-nothing')?.spec).toEqual(
      {},
    );
    const restartedAt = (kind: string, ns: string, n: string) =>
      get('apps/v1', kind, ns, n)?.spec?.template.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'];
    for (const [kind, ns, n] of [
      ['Deployment', 's-roll', 'api'],
      ['StatefulSet', 's-roll3', 'db'],
      ['DaemonSet', 's-roll4', 'agent'],
    ] as const)
      expect(restartedAt(kind, ns, n), `${kind} ${ns}/${n}`).toMatch(/^\d{4}-/);
    const bySa = (n: string) =>
      get('apps/v1', 'Deployment', 's-roll2', n)?.spec?.template.metadata.annotations;
    expect(bySa('api')).toHaveProperty(['kubectl.kubernetes.io/restartedAt']);
    expect(bySa('other')).toBeUndefined();
    expect(get('v1', 'Node', undefined, 'n-drift')?.spec?.unschedulable).toBe(true);
    expect(get('v1', 'Node', undefined, 'n-ok')?.spec?.unschedulable).toBeUndefined();
    expect(get('v1', 'Pod', 's-quar', 'web-1')?.metadata.labels).toMatchObject({
      'ztv.io/quarantine': 'true',
      app: 'web-1',
    });
    expect(get('networking.k8s.io/v1', 'NetworkPolicy', 's-quar', 'ztv-quarantine')?.spec).toEqual({
      podSelector: { matchLabels: { 'ztv.io/quarantine': 'true' } },
      policyTypes: ['Ingress', 'Egress'],
    });
  });
});

describe('prechecks refuse with the reasons, and nothing is written', () => {
  const refused = async (s: Omit<Scenario, 'name' | 'expect'>, reason: RegExp) => {
    const before = h.emu.requests.length;
    const o = await play({ ...s, expect: 'refused' });
    expect(o.row.status).toBe('refused');
    expect(o.row.error).toMatch(reason);
    expect(
      h.emu.requests.slice(before).filter((r) => r.method !== 'GET' && r.query.dryRun !== 'All'),
    ).toEqual([]);
    const last = (await h.history(o.row.findingId)).at(-1)!;
    expect(last).toMatchObject({
      kind: 'remediation_rejected',
      actor: 'ztv-remediator',
      data: { step: 'refused' },
    });
    return o;
  };

  it('enforce-strict-mtls lists the pods without a sidecar', async () => {
    await refused(
      {
        playbook: 'enforce-strict-mtls',
        mode: 'approve',
        ruleId: 'mtls-not-strict',
        subject: { namespace: 'r-mtls', kind: 'Namespace', name: 'r-mtls' },
        seed: [
          namespace('r-mtls', { 'istio-injection': 'enabled' }),
          pod('r-mtls', 'ok', { sidecar: true }),
          pod('r-mtls', 'legacy-1', { owner: { kind: 'ReplicaSet', name: 'legacy' } }),
          pod('r-mtls', 'job-x'),
        ],
      },
      /pods without a sidecar.*r-mtls: job-x, legacy-1 \(ReplicaSet\/legacy\)$/,
    );
  });

  it('enforce-strict-mtls refuses two namespace-wide PeerAuthentications', async () => {
    await refused(
      {
        playbook: 'enforce-strict-mtls',
        mode: 'auto',
        ruleId: 'mtls-not-strict',
        subject: { namespace: 'r-mtls2', kind: 'Namespace', name: 'r-mtls2' },
        seed: [
          namespace('r-mtls2'),
          peerAuthentication('r-mtls2', 'a', 'PERMISSIVE'),
          peerAuthentication('r-mtls2', 'b', 'STRICT'),
        ],
      },
      /2 namespace-wide PeerAuthentications.*Istio uses the oldest/,
    );
  });

  it('apply-authz-allow-nothing in auto mode refuses when no ALLOW policy would let anything in', async () => {
    await refused(
      {
        playbook: 'apply-authz-allow-nothing',
        mode: 'auto',
        ruleId: 'authz-default-deny-missing',
        subject: { namespace: 'r-authz', kind: 'Namespace', name: 'r-authz' },
        seed: [namespace('r-authz')],
      },
      /no ALLOW policy in r-authz: every request .* denied.*approve it explicitly/,
    );
    // Asked for by a person (approve mode) it is planned, with the warning on record.
    h.seed(
      [allowPolicy('r-authz', 'unrelated-deny')].map((p) => ({
        ...p,
        spec: { action: 'DENY', rules: [{}] },
      })),
    );
    const o = await play({
      playbook: 'apply-authz-allow-nothing',
      mode: 'approve',
      ruleId: 'authz-default-deny-missing',
      subject: { namespace: 'r-authz', kind: 'Namespace', name: 'r-authz' },
      seed: [],
      expect: 'awaiting_approval',
    });
    expect(o.row.status).toBe('awaiting_approval');
    expect(o.row.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    expect(o.record.notes?.join()).toMatch(/every request to its workloads will be denied/);
  });

  it('cordon-node never cordons the last schedulable node', async () => {
    // Nodes are cluster-wide: take the success scenario's spare node out of the pool first.
    h.seed([{ ...node('n-ok'), spec: { unschedulable: true } }]);
    await refused(
      {
        playbook: 'cordon-node',
        mode: 'auto',
        ruleId: 'clock-drift',
        subject: { node: 'r-only' },
        seed: [
          node('r-only'),
          node('r-notready', false),
          { ...node('r-tainted'), spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } },
        ],
      },
      /r-only is the last schedulable node/,
    );
  });

  it('cordon-node: at most one node per interval, across the store', async () => {
    // n-drift was cordoned by the success scenarios within the last hour (cordon-node's default limit: 1 per hour).
    await refused(
      {
        playbook: 'cordon-node',
        mode: 'auto',
        ruleId: 'clock-drift',
        subject: { node: 'r-second' },
        seed: [node('r-second'), node('r-spare')],
      },
      /rate limit of cordon-node: 1 apply\(s\) started in the last 3600s/,
    );
  });

  it('rollout-restart refuses a pod without a controller, quarantine-pod a hostNetwork pod', async () => {
    await refused(
      {
        playbook: 'rollout-restart',
        mode: 'auto',
        ruleId: 'sidecar-missing',
        subject: { namespace: 'r-roll', kind: 'Pod', name: 'bare' },
        seed: [namespace('r-roll'), pod('r-roll', 'bare')],
      },
      /has no controller/,
    );
    await refused(
      {
        playbook: 'quarantine-pod',
        mode: 'auto',
        ruleId: 'flow-identity-mismatch',
        subject: { namespace: 'r-quar', kind: 'Pod', name: 'hostnet' },
        seed: [namespace('r-quar'), pod('r-quar', 'hostnet', { hostNetwork: true })],
      },
      /host network/,
    );
  });
});

describe('verification', () => {
  it('apply-default-deny warns in its plan, and fails its verification, when another policy reopens the namespace', async () => {
    const allowAll = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-all-ingress', namespace: 'v-open' },
      spec: { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] },
    };
    const o = await play({
      playbook: 'apply-default-deny',
      mode: 'auto',
      ruleId: 'netpol-default-deny-missing',
      subject: { namespace: 'v-open', kind: 'Namespace', name: 'v-open' },
      seed: [namespace('v-open'), allowAll],
      expect: 'failed',
    });
    expect(o.record.notes?.join()).toMatch(/default deny will not hold until other policies change/);
    expect(o.row.status).toBe('failed');
    expect(o.row.error).toMatch(/verification failed: netpol-default-deny-missing no longer fires/);
    expect(o.record.applied).toHaveLength(2);
    const last = (await h.history(o.row.findingId)).at(-1)!;
    expect(last).toMatchObject({ kind: 'remediation_failed', data: { step: 'verify' } });
  });
});
