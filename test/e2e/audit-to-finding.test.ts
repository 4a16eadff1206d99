import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { ConsumeOptions, EventLog } from '@ztv/bus';
import { createTestDatabase } from '../support/postgres';
import { waitForNoLag } from '../support/kafka-lag';
import { postAudit, startSlice, type Slice } from '../support/slice';

const fixture = readFileSync(new URL('./fixtures/audit-eventlist-netpol-delete.json', import.meta.url), 'utf8');

/** One more tamper event, in the same namespace (so the same audit partition), for the crash test. */
function tamperBatch(auditID: string, name: string): string {
  const list = JSON.parse(fixture) as { items: Record<string, unknown>[] };
  const item = structuredClone(list.items[0]!) as Record<string, unknown> & { objectRef: { name: string } };
  item.auditID = auditID;
  item.objectRef.name = name;
  item.requestURI = `/apis/networking.k8s.io/v1/namespaces/payments/networkpolicies/${name}`;
  return JSON.stringify({ ...list, items: [item] });
}

describe('e2e: audit webhook → Kafka → rule-worker → Kafka → alerter → Postgres', () => {
  let slice: Slice;
  let db: { url: string; drop(): Promise<void> };

  const brokers = inject('kafkaBrokers');
  const settle = async () => {
    await waitForNoLag(brokers, slice.env.RULE_WORKER_GROUP, [slice.topics.audit]);
    await waitForNoLag(brokers, slice.env.ALERTER_GROUP, [slice.topics.signals]);
  };
  const findings = async () =>
    (await slice.store.pool.query<{ id: string; rule_id: string; namespace: string; status: string; subject: Record<string, string>; evidence: Record<string, unknown>; occurrences: number }>(
      'select id, rule_id, namespace, status, subject, evidence, occurrences from findings order by first_seen_at',
    )).rows;
  const history = async (findingId: string) =>
    (await slice.store.pool.query<{ kind: string; signal_id: string | null }>('select kind, signal_id from finding_events where finding_id = $1 order by id', [findingId])).rows;

  beforeAll(async () => {
    db = await createTestDatabase(inject('databaseTemplateUrl'));
    slice = await startSlice({ brokers, databaseUrl: db.url });
  });
  afterAll(async () => {
    await slice?.stop();
    await db?.drop();
  });

  it('opens one finding, with an opened history row, for the one real tampering in the batch', async () => {
    const res = await postAudit(slice, fixture);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 4, deadLettered: 0 });
    await settle();

    const rows = await findings();
    // Refused (403), allow-listed (Argo CD) and non-policy (ConfigMap) deletions are not tampering.
    expect(rows).toHaveLength(1);
    const f = rows[0]!;
    expect(f).toMatchObject({ rule_id: 'policy-tampered', namespace: 'payments', status: 'open', occurrences: 1 });
    expect(f.subject).toMatchObject({ cluster: 'e2e', namespace: 'payments', kind: 'NetworkPolicy', name: 'default-deny' });
    expect(f.evidence).toMatchObject({ auditID: '6f1b2c84-5a43-4b6e-9a57-1d2f0c3e4b01', verb: 'delete', user: 'mallory@example.com' });
    const h = await history(f.id);
    expect(h.map((r) => r.kind)).toEqual(['opened']);
    expect(h[0]!.signal_id).toBeTruthy();
  });

  it('a replayed batch creates no second finding and no second history row', async () => {
    const res = await postAudit(slice, fixture);
    expect(res.status).toBe(200);
    await settle();
    const rows = await findings();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.occurrences).toBe(1);
    expect((await history(rows[0]!.id)).map((r) => r.kind)).toEqual(['opened']);
  });

  it('a rule-worker that dies after producing signals but before committing is replayed without duplicates', async () => {
    await slice.ruleWorker.stop();
    let crashed = 0;
    let handledAfterRestart = 0;
    // The real Kafka event log, with the worker's batch handler made to die once after it has produced its signals.
    const crashing: EventLog = {
      ...slice.eventLog,
      ensureTopics: (s) => slice.eventLog.ensureTopics(s),
      describeTopics: (n) => slice.eventLog.describeTopics(n),
      endOffsets: (t) => slice.eventLog.endOffsets(t),
      producer: () => slice.eventLog.producer(),
      close: async () => {},
      consume: (o: ConsumeOptions) =>
        slice.eventLog.consume({
          ...o,
          handleBatch: async (batch, ctx) => {
            if (batch.topic !== slice.topics.audit) return o.handleBatch(batch, ctx);
            // Once dead, it never commits again (its retries fail too) until it is stopped.
            if (crashed > 0) throw new Error('simulated dead worker');
            await o.handleBatch(batch, ctx);
            crashed++;
            throw new Error('simulated crash after producing, before committing');
          },
        }),
    };
    const dying = slice.newRuleWorker(crashing);
    await dying.start();
    const res = await postAudit(slice, tamperBatch('8c0a1d7e-0000-4000-8000-00000000c001', 'deny-egress'));
    expect(res.status).toBe(200);
    await expect.poll(() => crashed, { timeout: 30_000 }).toBe(1);
    await dying.stop();

    const counting: EventLog = {
      ...crashing,
      consume: (o: ConsumeOptions) =>
        slice.eventLog.consume({
          ...o,
          handleBatch: async (batch, ctx) => {
            if (batch.topic === slice.topics.audit) handledAfterRestart += batch.records.length;
            await o.handleBatch(batch, ctx);
          },
        }),
    };
    slice.ruleWorker = slice.newRuleWorker(counting);
    await slice.ruleWorker.start();
    await settle();
    // The restarted worker really saw the uncommitted record again...
    expect(handledAfterRestart).toBeGreaterThanOrEqual(1);
    // ...and still: one finding for it, one opened row.
    const rows = (await findings()).filter((r) => r.subject.name === 'deny-egress');
    expect(rows).toHaveLength(1);
    expect((await history(rows[0]!.id)).map((r) => r.kind)).toEqual(['opened']);
    expect(await findings()).toHaveLength(2);
  });
});
