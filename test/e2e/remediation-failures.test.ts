import { createBullMqJobQueue, jobCatalog, type JobQueue } from '@ztv/jobs';
import { createKubeClients, loadKubeConfig } from '@ztv/kube';
import { KubeOps, Remediator, remediatorSettings, type RunRecord } from '@ztv/remediator';
import {
  approveRemediation,
  createRemediation,
  findingHistory,
  getFinding,
  getRemediation,
  openStore,
  type PostgresStore,
  type Remediation,
  type RemediationMode,
} from '@ztv/store';
import { createLogger } from '@ztv/telemetry';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { openFinding } from '../../services/remediator/src/test-harness';
import { startK8sEmulator, type K8sEmulator } from '../support/k8s-emulator';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { uniqueQueuePrefix } from '../support/redis';

/** The real job definition with short backoffs, so three attempts take well under a second. */
const catalog = {
  'remediation.run': {
    ...jobCatalog['remediation.run'],
    backoff: { delayMs: 50, maxDelayMs: 200, jitter: 0 },
  },
} as const;
const netpols = '/apis/networking.k8s.io/v1/namespaces';
const terminal = ['succeeded', 'failed', 'refused', 'planned', 'awaiting_approval'];

describe('e2e: remediation failure paths are recorded, transient ones retried (real Postgres, BullMQ, emulator)', () => {
  let db: TestDatabase;
  let store: PostgresStore;
  let emu: K8sEmulator;
  let queue: JobQueue<typeof catalog>;
  let remediator: Remediator;

  beforeAll(async () => {
    db = await createTestDatabase(inject('databaseTemplateUrl'));
    store = openStore({ url: db.url, poolSize: 4 });
    emu = await startK8sEmulator();
    queue = createBullMqJobQueue({ redisUrl: inject('redisUrl'), prefix: uniqueQueuePrefix(), catalog });
    remediator = new Remediator({
      queue,
      db: store.db,
      // A short client timeout: the emulator's delay fault turns into KubeTimeoutError quickly.
      kube: new KubeOps(
        createKubeClients(loadKubeConfig({ kubeconfigPath: emu.kubeconfigPath }), { requestTimeoutMs: 400 }),
      ),
      settings: remediatorSettings(
        { rateLimits: { default: { max: 100, windowSeconds: 60 } } },
        { REMEDIATION_ENABLED: true, MESH_ROOT_NAMESPACE: 'istio-system' },
      ),
      logger: createLogger({ name: 'remediation-failures', level: 'silent' }),
      concurrency: 2,
    });
    remediator.start();
  });
  afterAll(async () => {
    await remediator?.stop();
    await queue?.close();
    await emu?.close().catch(() => undefined);
    await store?.close();
    await db?.drop();
  });

  const namespace = (name: string) => emu.seed([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }]);
  const enqueue = async (r: Remediation, jobId = r.jobId!) => {
    const f = (await getFinding(store.db, r.findingId))!;
    await queue.enqueue(
      'remediation.run',
      {
        remediationId: r.id,
        findingId: f.id,
        fingerprint: f.fingerprint,
        playbook: r.playbook,
        mode: r.mode,
        requestedBy: r.requestedBy,
      },
      { jobId },
    );
  };
  const settle = async (id: string, mode: RemediationMode) => {
    // In auto mode `planned` is a step on the way to applying, not where a run ends.
    const ends = mode === 'auto' ? terminal.filter((s) => s !== 'planned') : terminal;
    await expect
      .poll(async () => (await getRemediation(store.db, id))?.status, { timeout: 30_000 })
      .toSatisfy((s: string) => ends.includes(s));
    return (await getRemediation(store.db, id))!;
  };
  /** Requests apply-default-deny for `ns` and runs it to its end. */
  const remediate = async (ns: string, mode: RemediationMode = 'auto') => {
    const finding = await openFinding(store.db, 'netpol-default-deny-missing', {
      namespace: ns,
      kind: 'Namespace',
      name: ns,
    });
    const { remediation } = await createRemediation(store.db, {
      findingId: finding.id,
      playbook: 'apply-default-deny',
      mode,
      requestedBy: 'ztv:auto',
    });
    await enqueue(remediation);
    const row = await settle(remediation.id, mode);
    return {
      row,
      record: row.result as RunRecord,
      history: async () =>
        (await findingHistory(store.db, finding.id)).filter((e) => e.kind.startsWith('remediation_')),
    };
  };
  const policiesIn = (ns: string) =>
    emu.list('networking.k8s.io/v1', 'NetworkPolicy', ns).map((p) => p.metadata.name);

  it('403 (RBAC) fails at once, with the reason, and is not retried', async () => {
    namespace('f-403');
    const remove = emu.setFault(
      { method: 'PATCH', path: `${netpols}/f-403/` },
      {
        status: 403,
        message: 'networkpolicies is forbidden: User "system:serviceaccount:ztv:ztv-remediator" cannot patch',
      },
    );
    try {
      const { row, record, history } = await remediate('f-403');
      expect(row.status).toBe('failed');
      expect(row.error).toMatch(/^KubeForbiddenError \(403\): networkpolicies is forbidden/);
      expect(record.attempts).toEqual([expect.objectContaining({ attempt: 1, phase: 'plan', retry: false })]);
      expect((await history()).at(-1)).toMatchObject({
        kind: 'remediation_failed',
        data: { step: 'plan', applied: [] },
      });
      expect(policiesIn('f-403')).toEqual([]);
    } finally {
      remove();
    }
  });

  it('409 from server-side apply (fields another manager owns) fails with the fields named; ztv does not force', async () => {
    namespace('f-409');
    emu.seed(
      [
        {
          apiVersion: 'networking.k8s.io/v1',
          kind: 'NetworkPolicy',
          metadata: { name: 'ztv-default-deny', namespace: 'f-409' },
          spec: { podSelector: {}, policyTypes: ['Ingress'] },
        },
      ],
      { fieldManager: 'kubectl-client-side-apply' },
    );
    const { row, record } = await remediate('f-409');
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(
      /KubeApplyConflictError \(409\): fields owned by another manager: \.spec\.policyTypes.*kubectl-client-side-apply.*does not force-apply/,
    );
    expect(record.attempts).toHaveLength(1);
    expect(emu.get('networking.k8s.io/v1', 'NetworkPolicy', 'f-409', 'ztv-default-deny')?.spec).toEqual({
      podSelector: {},
      policyTypes: ['Ingress'],
    });
  });

  it('409 Conflict (a stale resourceVersion) and 503 are transient: retried, then it succeeds, the attempts on record', async () => {
    namespace('f-transient');
    emu.setFault(
      { method: 'PATCH', path: `${netpols}/f-transient/networkpolicies/ztv-allow-dns-egress` },
      { status: 409, times: 1 },
    );
    emu.setFault({ method: 'GET', path: '/api/v1/namespaces/f-transient' }, { status: 503, times: 1 });
    const { row, record, history } = await remediate('f-transient');
    expect(row.status).toBe('succeeded');
    expect(record.attempts.map((a) => [a.attempt, a.retry, a.error.split(':')[0]])).toEqual([
      [1, true, 'KubeServerError (503)'],
      [2, true, 'KubeConflictError (409)'],
    ]);
    expect(policiesIn('f-transient')).toEqual(['ztv-allow-dns-egress', 'ztv-default-deny']);
    expect((await history()).map((e) => e.data.step)).toEqual(['requested', 'planned', 'applied']);
  });

  it('422 on the second object leaves a recorded partial state: what was applied, and where it stopped', async () => {
    namespace('f-422');
    const { row: planned } = await remediate('f-422', 'dry-run');
    expect(planned.status).toBe('planned');
    // The apply run dry-runs ztv-default-deny again (answered normally), then applies it for real: that one is refused.
    const deny = `${netpols}/f-422/networkpolicies/ztv-default-deny`;
    emu.setFault({ method: 'PATCH', path: deny }, { delayMs: 1, times: 1 });
    emu.setFault(
      { method: 'PATCH', path: deny },
      {
        status: 422,
        message:
          'NetworkPolicy.networking.k8s.io "ztv-default-deny" is invalid: spec.policyTypes: Unsupported value',
        times: 1,
      },
    );
    const approval = await approveRemediation(store.db, planned.id, { approvedBy: 'bob' });
    if (!approval.ok) throw new Error(approval.reason);
    await enqueue(approval.remediation, approval.jobId);
    await expect
      .poll(async () => (await getRemediation(store.db, planned.id))?.status, { timeout: 30_000 })
      .toBe('failed');
    const row = (await getRemediation(store.db, planned.id))!;
    const record = row.result as RunRecord;
    expect(row.error).toMatch(/^KubeInvalidError \(422\): .*Unsupported value/);
    expect(record.applied.map((a) => a.object)).toEqual(['NetworkPolicy f-422/ztv-allow-dns-egress']);
    expect(record.failedAt).toEqual({
      object: 'NetworkPolicy f-422/ztv-default-deny',
      error: expect.stringMatching(/^KubeInvalidError \(422\)/),
    });
    expect(record.attempts).toEqual([expect.objectContaining({ phase: 'apply', retry: false })]);
    const last = (await findingHistory(store.db, row.findingId)).at(-1)!;
    expect(last).toMatchObject({
      kind: 'remediation_failed',
      data: {
        step: 'apply',
        applied: [expect.objectContaining({ object: 'NetworkPolicy f-422/ztv-allow-dns-egress' })],
        failedAt: { object: 'NetworkPolicy f-422/ztv-default-deny' },
      },
    });
    expect(policiesIn('f-422')).toEqual(['ztv-allow-dns-egress']);
  });

  it('timeouts are retried up to the job’s attempts, then recorded as the failure', async () => {
    namespace('f-slow');
    const remove = emu.setFault({ method: 'GET', path: '/api/v1/namespaces/f-slow' }, { delayMs: 1_500 });
    try {
      const { row, record } = await remediate('f-slow');
      expect(row.status).toBe('failed');
      expect(row.error).toMatch(/^KubeTimeoutError: Kubernetes API call timed out/);
      expect(record.attempts.map((a) => [a.attempt, a.retry])).toEqual([
        [1, true],
        [2, true],
        [3, false],
      ]);
    } finally {
      remove();
    }
  });

  it('a protected namespace is refused without touching the API', async () => {
    const before = emu.requests.length;
    const { row, history } = await remediate('kube-system');
    expect(row.status).toBe('refused');
    expect(row.error).toMatch(/namespace kube-system is protected/);
    expect(emu.requests.length).toBe(before);
    expect((await history()).at(-1)).toMatchObject({
      kind: 'remediation_rejected',
      data: { step: 'refused' },
    });
  });

  // Last: it closes the emulator.
  it('an API server that is down is retried, then recorded as unreachable', async () => {
    namespace('f-down');
    await emu.close();
    const { row, record } = await remediate('f-down');
    expect(row.status).toBe('failed');
    expect(row.error).toMatch(/^KubeUnavailableError: Kubernetes API unreachable/);
    expect(record.attempts.map((a) => a.retry)).toEqual([true, true, false]);
  });
});
