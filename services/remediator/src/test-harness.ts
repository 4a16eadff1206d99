import { findingFingerprint, signalIdOf, type Signal, type Subject } from '@ztv/events';
import { createKubeClients, loadKubeConfig } from '@ztv/kube';
import {
  applySignals,
  createRemediation,
  findingHistory,
  getFinding,
  getRemediation,
  migrate,
  openEmbeddedStore,
  type Database,
  type EmbeddedStore,
  type Finding,
  type RemediationMode,
} from '@ztv/store';
import { createLogger } from '@ztv/telemetry';
import { startK8sEmulator, type K8sEmulator } from '../../../test/support/k8s-emulator';
import { remediatorSettings, type RemediatorSettings } from './config';
import { KubeOps, type KubeObject } from './kube-ops';
import { playbooks } from './playbooks/index';
import type { RunnerDeps } from './run-context';
import { runRemediation } from './runner';

/* Test harness for the remediator's own tests (not exported): the Kubernetes API emulator driven through a real
   kubeconfig and client-node, an in-memory PGlite store with every migration, and helpers to open findings and run
   remediation jobs. */

let seq = 0;

/** Opens a finding the way the alerter does (applySignals), for the rule and subject given. */
export async function openFinding(
  db: Database,
  ruleId: string,
  subject: Subject,
  evidence: Record<string, unknown> = {},
  cluster = 'test',
): Promise<Finding> {
  const fingerprint = findingFingerprint(ruleId, cluster, subject);
  const event = `harness-${++seq}`;
  const signal: Signal = {
    signalId: signalIdOf(ruleId, fingerprint, event, 'firing'),
    ruleId,
    transition: 'firing',
    severity: 'high',
    area: 'network-policy',
    title: ruleId,
    message: `${ruleId} fires`,
    cluster,
    subject: { cluster, ...subject },
    fingerprint,
    evidence,
    eventId: event,
    eventType: 'k8s.resource',
    time: new Date().toISOString(),
  };
  await applySignals(db, [signal], { now: new Date(), flapWindowSeconds: 0 });
  const [row] = await db.query.findings.findMany({ where: (f, { eq }) => eq(f.fingerprint, fingerprint) });
  return row!;
}

export interface Harness {
  emu: K8sEmulator;
  store: EmbeddedStore;
  db: Database;
  kube: KubeOps;
  settings: RemediatorSettings;
  deps: RunnerDeps;
  seed(objects: KubeObject[]): void;
  /** Opens a finding and requests a remediation for it; returns the remediation id. */
  request(
    playbook: string,
    mode: RemediationMode,
    ruleId: string,
    subject: Subject,
    evidence?: Record<string, unknown>,
  ): Promise<string>;
  /** Runs the job once (attempt n of max); resolves to the error it threw, if any. */
  run(remediationId: string, attempt?: number, maxAttempts?: number): Promise<unknown>;
  row(remediationId: string): ReturnType<typeof getRemediation>;
  history(findingId: string): ReturnType<typeof findingHistory>;
  close(): Promise<void>;
}

export async function startHarness(
  overrides: Partial<RemediatorSettings> = {},
  requestTimeoutMs = 5_000,
): Promise<Harness> {
  const emu = await startK8sEmulator();
  const store = await openEmbeddedStore();
  await migrate(store);
  const kube = new KubeOps(
    createKubeClients(loadKubeConfig({ kubeconfigPath: emu.kubeconfigPath }), { requestTimeoutMs }),
  );
  const settings = {
    ...remediatorSettings(undefined, { REMEDIATION_ENABLED: true, MESH_ROOT_NAMESPACE: 'istio-system' }),
    ...overrides,
  };
  const deps: RunnerDeps = {
    db: store.db,
    kube,
    settings: () => h.settings,
    playbooks,
    logger: createLogger({ name: 'remediator-test', level: 'silent' }),
    clock: () => new Date(),
  };
  const h: Harness = {
    emu,
    store,
    db: store.db,
    kube,
    settings,
    deps,
    seed: (objects) => void emu.seed(objects),
    async request(playbook, mode, ruleId, subject, evidence = {}) {
      const f = await openFinding(store.db, ruleId, subject, evidence);
      const { remediation } = await createRemediation(store.db, {
        findingId: f.id,
        playbook,
        mode,
        requestedBy: 'tester',
      });
      return remediation.id;
    },
    async run(id, attempt = 1, maxAttempts = 3) {
      const r = await getRemediation(store.db, id);
      const f = await getFinding(store.db, r!.findingId);
      const payload = {
        remediationId: id,
        findingId: f!.id,
        fingerprint: f!.fingerprint,
        playbook: r!.playbook,
        mode: r!.mode,
        requestedBy: r!.requestedBy,
      };
      return runRemediation(h.deps, payload, { attempt, maxAttempts }).then(
        () => undefined,
        (e: unknown) => e,
      );
    },
    row: (id) => getRemediation(store.db, id),
    history: (findingId) => findingHistory(store.db, findingId),
    async close() {
      await emu.close();
      await store.close();
    },
  };
  return h;
}
