import { createInProcessJobQueue } from '@ztv/jobs';
import { createRemediation, getFinding, getRemediation, updateRemediation } from '@ztv/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Remediator } from './remediator';
import { openFinding, startHarness, type Harness } from './test-harness';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(() => h.close());

describe('Remediator', () => {
  it('processes remediation.run jobs from the in-process queue, and expires plans nobody approved', async () => {
    const queue = createInProcessJobQueue();
    const remediator = new Remediator({
      queue,
      db: h.db,
      kube: h.kube,
      settings: () => h.settings,
      logger: h.deps.logger,
      expireEveryMs: 50,
    });
    remediator.start();
    try {
      h.seed([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'inproc' } }]);
      const finding = await openFinding(h.db, 'netpol-default-deny-missing', {
        namespace: 'inproc',
        kind: 'Namespace',
        name: 'inproc',
      });
      const { remediation } = await createRemediation(h.db, {
        findingId: finding.id,
        playbook: 'apply-default-deny',
        mode: 'approve',
        requestedBy: 'tester',
      });
      const f = (await getFinding(h.db, finding.id))!;
      await queue.enqueue(
        'remediation.run',
        {
          remediationId: remediation.id,
          findingId: f.id,
          fingerprint: f.fingerprint,
          playbook: 'apply-default-deny',
          mode: 'approve',
          requestedBy: 'tester',
        },
        { jobId: remediation.jobId! },
      );
      await expect
        .poll(async () => (await getRemediation(h.db, remediation.id))?.status, { timeout: 10_000 })
        .toBe('awaiting_approval');
      // Nobody approves; once its window has passed the sweeper marks it expired.
      await updateRemediation(h.db, remediation.id, { expiresAt: new Date(Date.now() - 1000) });
      await expect
        .poll(async () => (await getRemediation(h.db, remediation.id))?.status, { timeout: 10_000 })
        .toBe('expired');
      expect(h.emu.list('networking.k8s.io/v1', 'NetworkPolicy', 'inproc')).toEqual([]);
    } finally {
      await remediator.stop();
      await queue.close();
    }
  });
});
