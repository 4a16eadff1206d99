import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInProcessJobQueue } from '@ztv/jobs';
import { listRemediations, migrate, openEmbeddedStore, type EmbeddedStore } from '@ztv/store';
import { createLogger } from '@ztv/telemetry';
import { makeSignal } from '../testing/signals';
import { AlertPipeline } from './pipeline';
import { AUTO_ACTOR, RemediationTrigger, type TriggerConfig } from './remediation-trigger';

describe('automatic remediation triggers (DESIGN §6)', () => {
  let store: EmbeddedStore;
  const logger = createLogger({ name: 'test', level: 'silent' });
  beforeAll(async () => {
    store = await openEmbeddedStore();
    await migrate(store);
  });
  afterAll(async () => store?.close());

  function pipelineWith(config: TriggerConfig) {
    const jobs = createInProcessJobQueue({ logger });
    const seen: { jobId: string; playbook: string; mode: string }[] = [];
    jobs.process('remediation.run', async (p, ctx) => void seen.push({ jobId: ctx.jobId, playbook: p.playbook, mode: p.mode }), { concurrency: 1 });
    const remediations = new RemediationTrigger({ jobs, config, logger });
    const pipeline = new AlertPipeline({ db: store.db, jobs, routing: undefined, logger, flapWindowSeconds: 0, remediations });
    return { jobs, seen, pipeline };
  }

  it('plans the rule\'s playbook in dry-run for an opened finding, once, even when the batch is replayed', async () => {
    const { jobs, seen, pipeline } = pipelineWith({ enabled: true, rules: {} });
    const batch = [makeSignal({ rule: 'netpol-default-deny-missing', namespace: 'shop', event: 'e1' })];
    await pipeline.applyBatch(batch);
    await pipeline.applyBatch(batch);
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]).toMatchObject({ playbook: 'apply-default-deny', mode: 'dry-run' });
    const rows = (await listRemediations(store.db, {})).filter((r) => r.requestedBy === AUTO_ACTOR && r.playbook === 'apply-default-deny');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.jobId).toBe(seen[0]!.jobId);
    await jobs.close();
  });

  it('uses the configured mode and playbook, and triggers nothing for rules without a playbook or when disabled', async () => {
    const { jobs, seen, pipeline } = pipelineWith({ enabled: true, rules: { 'mtls-not-strict': { mode: 'approve' } } });
    await pipeline.applyBatch([makeSignal({ rule: 'mtls-not-strict', namespace: 'shop', event: 'e2' })]);
    await pipeline.applyBatch([makeSignal({ rule: 'policy-tampered', namespace: 'shop', event: 'e3' })]);
    await expect.poll(() => seen.length).toBe(1);
    expect(seen[0]).toMatchObject({ playbook: 'enforce-strict-mtls', mode: 'approve' });
    await jobs.close();

    const off = pipelineWith({ enabled: false, rules: {} });
    await off.pipeline.applyBatch([makeSignal({ rule: 'netpol-default-deny-missing', namespace: 'billing', event: 'e4' })]);
    expect((await listRemediations(store.db, {})).filter((r) => r.requestedBy === AUTO_ACTOR)).toHaveLength(2);
    await off.jobs.close();
  });
});
