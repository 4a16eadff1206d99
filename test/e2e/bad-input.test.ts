import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { deadLetter } from '@ztv/events';
import { createTestDatabase } from '../support/postgres';
import { readTopic, topicRecordCount, waitForNoLag } from '../support/kafka-lag';
import { postAudit, startSlice, type Slice } from '../support/slice';

const fixture = readFileSync(new URL('./fixtures/audit-eventlist-netpol-delete.json', import.meta.url), 'utf8');
const BODY_LIMIT = 64 * 1024;

describe('e2e: bad input is refused with a clear 4xx, or dead-lettered with its reason', () => {
  let slice: Slice;
  let db: { url: string; drop(): Promise<void> };
  const brokers = inject('kafkaBrokers');

  beforeAll(async () => {
    db = await createTestDatabase(inject('databaseTemplateUrl'));
    slice = await startSlice({ brokers, databaseUrl: db.url, env: { COLLECTOR_BODY_LIMIT: String(BODY_LIMIT) } });
  });
  afterAll(async () => {
    await slice?.stop();
    await db?.drop();
  });

  it('refuses malformed or unauthenticated requests and produces nothing', async () => {
    const cases: [string, { body: string; headers?: Record<string, string> }, number, RegExp][] = [
      ['no token', { body: fixture, headers: { authorization: '' } }, 401, /bearer token .* or a client certificate is required/],
      ['wrong token', { body: fixture, headers: { authorization: 'Bearer not-the-token' } }, 401, /not valid/],
      ['invalid JSON', { body: '{"kind":"EventList",' }, 400, /not valid JSON/],
      ['empty body', { body: '' }, 400, /empty/],
      ['wrong apiVersion', { body: JSON.stringify({ ...JSON.parse(fixture), apiVersion: 'audit.k8s.io/v1beta1' }) }, 400, /apiVersion must be "audit.k8s.io\/v1"/],
      ['wrong kind', { body: JSON.stringify({ ...JSON.parse(fixture), kind: 'Event' }) }, 400, /kind must be "EventList"/],
      ['items not a list', { body: JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'EventList', items: {} }) }, 400, /items/],
      ['oversize body', { body: JSON.stringify({ ...JSON.parse(fixture), pad: 'x'.repeat(BODY_LIMIT) }) }, 413, /larger than the limit of 65536 bytes/],
      ['wrong content type', { body: fixture, headers: { 'content-type': 'text/plain' } }, 415, /application\/json/],
    ];
    for (const [name, req, status, message] of cases) {
      const res = await postAudit(slice, req.body, req.headers);
      expect(res.status, name).toBe(status);
      expect(String(res.body?.message), name).toMatch(message);
    }
    expect(await topicRecordCount(brokers, slice.topics.audit)).toBe(0);
    expect(await topicRecordCount(brokers, slice.topics.deadletter)).toBe(0);
  });

  it('dead-letters an item that does not normalize, with the raw payload, stage and reason, and keeps the rest', async () => {
    const list = JSON.parse(fixture) as { items: Record<string, unknown>[] };
    const broken = { ...list.items[0], auditID: undefined, verb: 42 };
    const res = await postAudit(slice, JSON.stringify({ ...list, items: [broken, list.items[0]] }));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 1, deadLettered: 1 });
    const [letter] = await readTopic(brokers, slice.topics.deadletter, 1);
    const d = deadLetter.parse(JSON.parse(letter!.value));
    expect(d).toMatchObject({ source: 'audit-webhook', stage: 'parse' });
    expect(d.reason).toMatch(/auditID|verb/);
    expect(JSON.parse(Buffer.from(d.rawBase64, 'base64').toString('utf8'))).toMatchObject({ verb: 42 });
  });

  it('a record on a topic that is not a valid event is dead-lettered by the rule-worker, whose loop keeps going', async () => {
    const producer = await slice.eventLog.producer();
    await producer.send([{ topic: slice.topics.audit, key: 'e2e/payments', value: '{"id":"x","type":"k8s.audit"}' }]);
    await producer.send([{ topic: slice.topics.audit, key: 'e2e/payments', value: Buffer.from([0xff, 0xfe, 0x00]) }]);
    await producer.close();
    await waitForNoLag(brokers, slice.env.RULE_WORKER_GROUP, [slice.topics.audit]);
    const letters = (await readTopic(brokers, slice.topics.deadletter, 3)).map((l) => deadLetter.parse(JSON.parse(l.value)));
    const fromWorker = letters.filter((l) => l.source === 'rule-worker');
    expect(fromWorker).toHaveLength(2);
    expect(fromWorker.map((l) => l.stage)).toEqual(['validate', 'validate']);
    // Dead letters are keyed by their id, so they may sit on different partitions: no order between them.
    const invalid = fromWorker.find((l) => /not a valid ztv event/.test(l.reason));
    const notJson = fromWorker.find((l) => /not JSON/.test(l.reason));
    expect(invalid?.reason).toMatch(/data|cluster|source|time/);
    expect(Buffer.from(notJson!.rawBase64, 'base64')).toEqual(Buffer.from([0xff, 0xfe, 0x00]));
    expect(invalid!.origin).toMatchObject({ topic: slice.topics.audit });

    // The loop is alive: a real tampering after the bad records still becomes a finding.
    const list = JSON.parse(fixture) as { items: (Record<string, unknown> & { objectRef: { name: string } })[] };
    const later = { ...list.items[0]!, auditID: '0d9a3c55-0000-4000-8000-00000000a001', objectRef: { ...list.items[0]!.objectRef, name: 'after-garbage' } };
    const res = await postAudit(slice, JSON.stringify({ ...list, items: [later] }));
    expect(res.status).toBe(200);
    await waitForNoLag(brokers, slice.env.RULE_WORKER_GROUP, [slice.topics.audit]);
    await waitForNoLag(brokers, slice.env.ALERTER_GROUP, [slice.topics.signals]);
    const { rows } = await slice.store.pool.query<{ rule_id: string }>("select rule_id from findings where subject->>'name' = 'after-garbage'");
    expect(rows.map((r) => r.rule_id)).toEqual(['policy-tampered']);
  });
});
