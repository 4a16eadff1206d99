import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openEmbeddedStore, type EmbeddedStore } from '../client';
import { at, opts, signal, truncateAll } from '../contract/support';
import { applySignals } from '../findings/apply-signals';
import { findingHistory } from '../findings/queries';
import { migrate } from '../migrate';
import { claimRemediationApply } from './apply-claim';
import { approveRemediation, expireRemediations, rejectRemediation } from './approval';
import { remediationJobId } from './job-id';
import { createRemediation, getRemediation, listRemediations, updateRemediation } from './repository';

let store: EmbeddedStore;
let findingId: string;
beforeAll(async () => {
  store = await openEmbeddedStore();
  await migrate(store);
}, 60_000);
afterAll(() => store.close());
beforeEach(async () => {
  await truncateAll(store.db);
  const [t] = await applySignals(store.db, [signal({ event: 'e1' })], opts(0));
  findingId = t!.findingId;
});

const request = (extra: Partial<Parameters<typeof createRemediation>[1]> = {}) =>
  createRemediation(store.db, {
    findingId,
    playbook: 'apply-default-deny',
    mode: 'dry-run',
    requestedBy: 'alice',
    now: at(10),
    ...extra,
  });
const kinds = async () => (await findingHistory(store.db, findingId)).map((e) => [e.kind, e.data.step]);

describe('remediation repositories', () => {
  it('creates a requested remediation with its history row; a replayed job id returns the stored row', async () => {
    const first = await request({ jobId: 'remediation:auto:sig-1', data: { trigger: 'alerter' } });
    expect(first.created).toBe(true);
    expect(first.remediation).toMatchObject({
      status: 'requested',
      mode: 'dry-run',
      jobId: 'remediation:auto:sig-1',
    });
    const again = await request({ jobId: 'remediation:auto:sig-1' });
    expect(again).toMatchObject({ created: false, remediation: { id: first.remediation.id } });
    expect(await kinds()).toEqual([
      ['opened', undefined],
      ['remediation_requested', 'requested'],
    ]);
    const plain = await request();
    expect(plain.remediation.jobId).toBe(remediationJobId(plain.remediation.id));
    expect((await listRemediations(store.db, { findingId })).map((r) => r.id)).toEqual([
      plain.remediation.id,
      first.remediation.id,
    ]);
  });

  it('moves status only from the expected one, and writes the history row only when it moved', async () => {
    const { remediation: r } = await request();
    const step = { kind: 'remediation_planned' as const, actor: 'ztv-remediator', data: { step: 'planned' } };
    const planned = await updateRemediation(store.db, r.id, {
      from: ['requested'],
      status: 'planned',
      diff: [{ a: 1 }],
      event: step,
    });
    expect(planned).toMatchObject({ status: 'planned', diff: [{ a: 1 }] });
    expect(
      await updateRemediation(store.db, r.id, { from: ['requested'], status: 'planned', event: step }),
    ).toBeUndefined();
    expect((await kinds()).filter(([k]) => k === 'remediation_planned')).toHaveLength(1);
  });

  it('approves a plan once, rejects nothing already decided, and expires plans past their window', async () => {
    const { remediation: r } = await request({ mode: 'approve', expiresAt: at(100) });
    await updateRemediation(store.db, r.id, { from: ['requested'], status: 'awaiting_approval' });
    const ok = await approveRemediation(store.db, r.id, { approvedBy: 'bob', now: at(50) });
    expect(ok).toMatchObject({
      ok: true,
      jobId: remediationJobId(r.id, 'approved'),
      remediation: { status: 'approved', approvedBy: 'bob' },
    });
    expect(await approveRemediation(store.db, r.id, { approvedBy: 'bob', now: at(51) })).toEqual({
      ok: false,
      reason: 'not_decidable',
      status: 'approved',
    });
    expect(await rejectRemediation(store.db, r.id, { rejectedBy: 'carol' })).toMatchObject({
      ok: false,
      status: 'approved',
    });

    const { remediation: late } = await request({ mode: 'approve', expiresAt: at(100) });
    await updateRemediation(store.db, late.id, { from: ['requested'], status: 'awaiting_approval' });
    expect(await approveRemediation(store.db, late.id, { approvedBy: 'bob', now: at(101) })).toEqual({
      ok: false,
      reason: 'expired',
      status: 'expired',
    });

    const { remediation: swept } = await request({ mode: 'approve', expiresAt: at(100) });
    await updateRemediation(store.db, swept.id, { from: ['requested'], status: 'awaiting_approval' });
    expect((await expireRemediations(store.db, at(99))).length).toBe(0);
    expect((await expireRemediations(store.db, at(200))).map((x) => x.id)).toEqual([swept.id]);
    expect(await approveRemediation(store.db, 'rem_missing', { approvedBy: 'bob' })).toEqual({
      ok: false,
      reason: 'not_found',
    });
    expect((await kinds()).filter(([k]) => k === 'remediation_rejected').map(([, s]) => s)).toEqual([
      'expired',
      'expired',
    ]);
  });

  it('rate-limits applies per playbook within the window, and lets a retry keep its slot', async () => {
    const claim = (id: string, seconds: number) =>
      claimRemediationApply(store.db, {
        id,
        playbook: 'cordon-node',
        from: ['approved', 'applying'],
        max: 1,
        windowSeconds: 3600,
        result: {},
        now: at(seconds),
      });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { remediation } = await request({ playbook: 'cordon-node' });
      await updateRemediation(store.db, remediation.id, { status: 'approved' });
      ids.push(remediation.id);
    }
    const first = await claim(ids[0]!, 100);
    expect(first).toMatchObject({
      ok: true,
      remediation: { status: 'applying', result: { applyStartedAt: at(100).toISOString() } },
    });
    expect(await claim(ids[0]!, 200)).toMatchObject({ ok: true });
    expect(await claim(ids[1]!, 200)).toEqual({
      ok: false,
      reason: 'rate_limited',
      started: 1,
      retryAt: at(3700),
    });
    expect(await claim(ids[1]!, 3701)).toMatchObject({ ok: true });
    expect((await getRemediation(store.db, ids[2]!))?.status).toBe('approved');
    expect(await claim('rem_missing', 1)).toEqual({ ok: false, reason: 'status', status: undefined });
  });
});
