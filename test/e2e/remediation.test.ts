import type { Signal, ZtvEvent } from '@ztv/events';
import { createBullMqJobQueue, type JobQueue } from '@ztv/jobs';
import { createKubeClients, loadKubeConfig } from '@ztv/kube';
import { KubeOps, Remediator, remediatorSettings, type KubeObject } from '@ztv/remediator';
import { baselineRules, defaultRulesConfig, RuleEngine } from '@ztv/rules';
import {
  applySignals,
  approveRemediation,
  createRemediation,
  findingHistory,
  getFindingByFingerprint,
  getRemediation,
  openStore,
  type PostgresStore,
} from '@ztv/store';
import { createLogger } from '@ztv/telemetry';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startK8sEmulator, type K8sEmulator } from '../support/k8s-emulator';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { uniqueQueuePrefix } from '../support/redis';

const digest = `@sha256:${'c'.repeat(64)}`;
const payments = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments', labels: { team: 'payments' } } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } },
  {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'ledger', namespace: 'payments' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'ledger' } },
      template: {
        metadata: { labels: { app: 'ledger' } },
        spec: { serviceAccountName: 'ledger', containers: [{ name: 'ledger', image: `ledger${digest}` }] },
      },
    },
  },
  ...['ledger-5c8d-a1', 'ledger-5c8d-b2'].map((name) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'payments', labels: { app: 'ledger' } },
    spec: { serviceAccountName: 'ledger', containers: [{ name: 'ledger', image: `ledger${digest}` }] },
    status: { phase: 'Running' },
  })),
];

/** What the collector's kube watch would publish for the objects the API serves now. */
async function clusterEvents(kube: KubeOps, round: number): Promise<ZtvEvent[]> {
  const kinds = [
    ['v1', 'Namespace'],
    ['apps/v1', 'Deployment'],
    ['v1', 'Pod'],
    ['networking.k8s.io/v1', 'NetworkPolicy'],
  ] as const;
  const objects: KubeObject[] = (await Promise.all(kinds.map(([v, k]) => kube.list(v, k)))).flat();
  const time = new Date().toISOString();
  return objects.map((o) => ({
    id: `${String(o.metadata.uid)}@${String(o.metadata.resourceVersion)}`,
    type: 'k8s.resource',
    cluster: 'e2e',
    source: 'kube-watch',
    time,
    observedAt: time,
    data: {
      op: 'upsert',
      apiVersion: o.apiVersion,
      kind: o.kind,
      ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
      name: o.metadata.name,
      uid: String(o.metadata.uid),
      resourceVersion: `${String(o.metadata.resourceVersion)}.${round}`,
      object: o as unknown as Record<string, unknown>,
    },
  }));
}

describe('e2e: finding → apply-default-deny dry run → approval → applied → finding resolved', () => {
  let db: TestDatabase;
  let store: PostgresStore;
  let emu: K8sEmulator;
  let kube: KubeOps;
  let queue: JobQueue;
  let remediator: Remediator;
  const engine = new RuleEngine({ rules: baselineRules, config: defaultRulesConfig(), cluster: 'e2e' });
  const evaluate = async (round: number): Promise<Signal[]> =>
    (await clusterEvents(kube, round)).flatMap((e) => engine.process(e).signals);
  const denyMissing = (signals: Signal[]) =>
    signals.filter((s) => s.ruleId === 'netpol-default-deny-missing' && s.subject.namespace === 'payments');
  const writes = () => emu.requests.filter((r) => !['GET'].includes(r.method));

  beforeAll(async () => {
    db = await createTestDatabase(inject('databaseTemplateUrl'));
    store = openStore({ url: db.url, poolSize: 4 });
    emu = await startK8sEmulator();
    emu.seed(payments);
    kube = new KubeOps(
      createKubeClients(loadKubeConfig({ kubeconfigPath: emu.kubeconfigPath }), { requestTimeoutMs: 5_000 }),
    );
    queue = createBullMqJobQueue({ redisUrl: inject('redisUrl'), prefix: uniqueQueuePrefix() });
    remediator = new Remediator({
      queue,
      db: store.db,
      kube,
      settings: remediatorSettings(undefined, {
        REMEDIATION_ENABLED: true,
        MESH_ROOT_NAMESPACE: 'istio-system',
      }),
      logger: createLogger({ name: 'remediation-e2e', level: 'silent' }),
    });
    remediator.start();
  });
  afterAll(async () => {
    await remediator?.stop();
    await queue?.close();
    await emu?.close();
    await store?.close();
    await db?.drop();
  });

  it('runs the whole loop, recording every step', async () => {
    // 1. The rules find the namespace without default deny; the alerter's store path opens the finding.
    const firing = denyMissing(await evaluate(1));
    expect(firing.map((s) => s.transition)).toEqual(['firing']);
    await applySignals(store.db, firing, { now: new Date(), flapWindowSeconds: 300 });
    const finding = (await getFindingByFingerprint(store.db, firing[0]!.fingerprint))!;
    expect(finding).toMatchObject({
      status: 'open',
      ruleId: 'netpol-default-deny-missing',
      namespace: 'payments',
    });

    // 2. A person asks for apply-default-deny in dry-run mode: the plan and the diff are recorded, nothing changes.
    emu.clearRequests();
    const { remediation } = await createRemediation(store.db, {
      findingId: finding.id,
      playbook: 'apply-default-deny',
      mode: 'dry-run',
      requestedBy: 'alice@example.com',
    });
    const payload = {
      remediationId: remediation.id,
      findingId: finding.id,
      fingerprint: finding.fingerprint,
      playbook: 'apply-default-deny',
      mode: 'dry-run' as const,
      requestedBy: 'alice@example.com',
    };
    await queue.enqueue('remediation.run', payload, { jobId: remediation.jobId! });
    await expect
      .poll(async () => (await getRemediation(store.db, remediation.id))?.status, { timeout: 30_000 })
      .toBe('planned');
    const planned = (await getRemediation(store.db, remediation.id))!;
    const diff = planned.diff as {
      object: string;
      action: string;
      changes: { path: string; op: string; after?: unknown }[];
    }[];
    expect(diff.map((d) => [d.object, d.action])).toEqual([
      ['NetworkPolicy payments/ztv-allow-dns-egress', 'create'],
      ['NetworkPolicy payments/ztv-default-deny', 'create'],
    ]);
    expect(diff[1]!.changes.find((c) => c.path === '.spec')?.after).toEqual({
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
    });
    expect(emu.list('networking.k8s.io/v1', 'NetworkPolicy', 'payments')).toEqual([]);
    expect(writes().length).toBeGreaterThan(0);
    expect(
      writes().every((r) => r.query.dryRun === 'All'),
      'every write of a dry run is a dryRun=All request',
    ).toBe(true);

    // 3. Approved, the job applies the plan as ztv-remediator and verifies it.
    const approval = await approveRemediation(store.db, remediation.id, { approvedBy: 'bob@example.com' });
    if (!approval.ok) throw new Error(`approval failed: ${approval.reason}`);
    await queue.enqueue(
      'remediation.run',
      { ...payload, requestedBy: 'bob@example.com' },
      { jobId: approval.jobId },
    );
    await expect
      .poll(async () => (await getRemediation(store.db, remediation.id))?.status, { timeout: 30_000 })
      .toBe('succeeded');
    const policies = emu.list('networking.k8s.io/v1', 'NetworkPolicy', 'payments');
    expect(policies.map((p) => p.metadata.name)).toEqual(['ztv-allow-dns-egress', 'ztv-default-deny']);
    for (const p of policies)
      expect(
        (p.metadata.managedFields as { manager: string; operation: string }[]).map((m) => [
          m.manager,
          m.operation,
        ]),
      ).toEqual([['ztv-remediator', 'Apply']]);
    expect(policies[0]!.spec).toMatchObject({
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [
            {
              namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
              podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
            },
          ],
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    });

    // 4. The next evaluation of what the API serves resolves the finding; DNS stays allowed.
    const after = await evaluate(2);
    expect(denyMissing(after).map((s) => s.transition)).toEqual(['resolved']);
    expect(
      after.filter((s) => s.ruleId === 'netpol-dns-egress-blocked' && s.transition === 'firing'),
    ).toEqual([]);
    await applySignals(store.db, after, { now: new Date(), flapWindowSeconds: 300 });
    expect((await getFindingByFingerprint(store.db, finding.fingerprint))?.status).toBe('resolved');

    const done = (await getRemediation(store.db, remediation.id))!;
    expect(done).toMatchObject({ status: 'succeeded', approvedBy: 'bob@example.com', error: null });
    const history = (await findingHistory(store.db, finding.id)).filter((e) =>
      e.kind.startsWith('remediation_'),
    );
    expect(history.map((e) => [e.kind, e.data.step, e.actor])).toEqual([
      ['remediation_requested', 'requested', 'alice@example.com'],
      ['remediation_planned', 'planned', 'ztv-remediator'],
      ['remediation_requested', 'approved', 'bob@example.com'],
      ['remediation_applied', 'applied', 'ztv-remediator'],
    ]);

    // 5. A replayed trigger does not act twice: the same job id is deduplicated, and even a new job finds the row done.
    const count = writes().length;
    await queue.enqueue('remediation.run', payload, { jobId: approval.jobId });
    await queue.enqueue('remediation.run', payload, { jobId: `${approval.jobId}:replay` });
    await new Promise((r) => setTimeout(r, 500));
    expect(writes().length).toBe(count);
    expect(
      (await findingHistory(store.db, finding.id)).filter((e) => e.kind.startsWith('remediation_')),
    ).toHaveLength(4);
  });
});
