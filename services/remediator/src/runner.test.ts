import { approveRemediation } from '@ztv/store';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './test-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(() => h.close());

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const pod = (namespace: string, name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels: { app: name } },
  spec: { containers: [{ name: 'app', image: 'app@sha256:' + 'a'.repeat(64) }] },
  status: { phase: 'Running' },
});
const nsSubject = (name: string) => ({ namespace: name, kind: 'Namespace', name });
const writes = () => h.emu.requests.filter((r) => r.method !== 'GET');
const realWrites = () => writes().filter((r) => r.query.dryRun !== 'All');
const netpols = (namespace: string) =>
  h.emu
    .list('networking.k8s.io/v1', 'NetworkPolicy', namespace)
    .map((p) => p.metadata.name)
    .sort();

beforeEach(() => h.emu.clearRequests());

describe('runRemediation', () => {
  it('dry-run records the plan and the diff and changes nothing; approved, it applies, verifies and succeeds', async () => {
    h.seed([ns('shop'), pod('shop', 'web')]);
    const id = await h.request(
      'apply-default-deny',
      'dry-run',
      'netpol-default-deny-missing',
      nsSubject('shop'),
    );
    expect(await h.run(id)).toBeUndefined();
    const planned = await h.row(id);
    expect(planned).toMatchObject({ status: 'planned', error: null });
    expect(planned!.diff).toEqual([
      expect.objectContaining({ object: 'NetworkPolicy shop/ztv-allow-dns-egress', action: 'create' }),
      expect.objectContaining({ object: 'NetworkPolicy shop/ztv-default-deny', action: 'create' }),
    ]);
    expect((planned!.diff as { changes: { path: string }[] }[])[1]!.changes.map((c) => c.path)).toEqual([
      '.apiVersion',
      '.kind',
      '.metadata',
      '.spec',
    ]);
    expect(writes().length).toBe(2);
    expect(realWrites()).toEqual([]);
    expect(netpols('shop')).toEqual([]);

    // A replay of the same job does nothing more.
    expect(await h.run(id)).toBeUndefined();
    expect(writes().length).toBe(2);

    const approved = await approveRemediation(h.db, id, { approvedBy: 'alice' });
    expect(approved.ok).toBe(true);
    expect(await h.run(id)).toBeUndefined();
    const done = await h.row(id);
    expect(done).toMatchObject({ status: 'succeeded', approvedBy: 'alice', error: null });
    expect(netpols('shop')).toEqual(['ztv-allow-dns-egress', 'ztv-default-deny']);
    const deny = h.emu.get('networking.k8s.io/v1', 'NetworkPolicy', 'shop', 'ztv-default-deny')!;
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect((deny.metadata.managedFields as { manager: string }[]).map((m) => m.manager)).toEqual([
      'ztv-remediator',
    ]);
    const record = done!.result as { applied: { object: string }[]; verification: { ok: boolean } };
    expect(record.applied.map((a) => a.object)).toEqual([
      'NetworkPolicy shop/ztv-allow-dns-egress',
      'NetworkPolicy shop/ztv-default-deny',
    ]);
    expect(record.verification.ok).toBe(true);
    const history = (await h.history(done!.findingId)).map((e) => `${e.kind}:${String(e.data.step ?? '')}`);
    expect(history).toEqual([
      'opened:',
      'remediation_requested:requested',
      'remediation_planned:planned',
      'remediation_requested:approved',
      'remediation_applied:applied',
    ]);
  });

  it('auto mode plans and applies in one run; an unchanged object is not written again', async () => {
    h.seed([ns('auto')]);
    const first = await h.request('allow-dns-egress', 'auto', 'netpol-dns-egress-blocked', nsSubject('auto'));
    expect(await h.run(first)).toBeUndefined();
    expect(await h.row(first)).toMatchObject({ status: 'succeeded' });
    h.emu.clearRequests();
    const second = await h.request(
      'allow-dns-egress',
      'auto',
      'netpol-dns-egress-blocked',
      nsSubject('auto'),
    );
    expect(await h.run(second)).toBeUndefined();
    expect(await h.row(second)).toMatchObject({
      status: 'succeeded',
      result: expect.objectContaining({
        applied: [],
        unchanged: ['NetworkPolicy auto/ztv-allow-dns-egress'],
      }),
    });
    expect(realWrites()).toEqual([]);
  });

  it('refuses protected namespaces before reading anything, and records why', async () => {
    const id = await h.request(
      'apply-default-deny',
      'auto',
      'netpol-default-deny-missing',
      nsSubject('kube-system'),
    );
    expect(await h.run(id)).toBeUndefined();
    const row = await h.row(id);
    expect(row).toMatchObject({ status: 'refused' });
    expect(row!.error).toMatch(/namespace kube-system is protected/);
    expect(h.emu.requests).toEqual([]);
    expect((await h.history(row!.findingId)).at(-1)).toMatchObject({
      kind: 'remediation_rejected',
      data: { step: 'refused' },
    });
  });

  it('the kill switch refuses applies but still lets plans be recorded', async () => {
    h.seed([ns('killed')]);
    h.settings = { ...h.settings, enabled: false };
    try {
      const id = await h.request(
        'apply-default-deny',
        'auto',
        'netpol-default-deny-missing',
        nsSubject('killed'),
      );
      expect(await h.run(id)).toBeUndefined();
      const row = await h.row(id);
      expect(row).toMatchObject({ status: 'refused' });
      expect(row!.error).toMatch(/switched off/);
      expect(row!.diff).toHaveLength(2);
      expect(realWrites()).toEqual([]);
    } finally {
      h.settings = { ...h.settings, enabled: true };
    }
  });
});
