import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent, FlowEvent } from '@ztv/events';
import { sharedFixture, startTestCollector, type TestCollector } from '../../services/collector/src/test-support';
import { readTopic, topicRecordCount } from '../support/kafka-lag';
import { startPrivateBroker, type PrivateBroker } from '../support/kafka';

const OUTAGE_MS = 30_000;

/** An audit webhook batch of real-format events (the e2e fixture's first item), each with its own auditID. */
const template = (JSON.parse(sharedFixture('k8s-audit/audit2rbac-demo.log').split('\n')[0] as string) as Record<string, unknown>);
function auditBatch(batch: number, size = 25): { body: string; ids: string[] } {
  const ids = Array.from({ length: size }, (_, i) => `0000000${batch % 10}-${String(batch).padStart(4, '0')}-4000-8000-${String(i).padStart(12, '0')}`);
  return { ids, body: JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'EventList', items: ids.map((auditID) => ({ ...template, auditID })) }) };
}
const flowLines = sharedFixture('hubble/hubble-otel-basic-sample-400-udp-flows.first120.json').split('\n').filter((l) => l.trim());

interface Sent {
  kind: 'audit' | 'flows';
  body: string;
  ids: string[];
  lines: number;
  status?: number;
}

describe('e2e: Kafka stopped for 30 s', () => {
  let broker: PrivateBroker;
  let c: TestCollector;

  beforeAll(async () => {
    broker = await startPrivateBroker();
    c = await startTestCollector(
      {
        COLLECTOR_AUDIT_WEBHOOK_ENABLED: 'true',
        COLLECTOR_FLOW_NDJSON_ENABLED: 'true',
        COLLECTOR_FLOW_WINDOW_SECONDS: '0.5',
        COLLECTOR_SEND_TIMEOUT_MS: '2000',
        COLLECTOR_RETRY_AFTER_SECONDS: '2',
        ZTV_PARTITIONS: '2',
      },
      // No collecting consumer: one polling a stopped broker keeps retrying after it is told to stop.
      { kafkaBrokers: broker.brokers, collect: false },
    );
  });
  afterAll(async () => {
    await c?.stop();
    await broker?.destroy();
  });

  const send = async (s: Sent) => {
    const res = s.kind === 'audit' ? await c.post('/audit/webhook', s.body) : await c.post('/flows/ndjson', s.body, 'application/x-ndjson');
    s.status = res.status;
    return res;
  };

  it('answers 503 with Retry-After while Kafka is down, and every accepted event arrives exactly once', { timeout: 300_000 }, async () => {
    const sent: Sent[] = [];
    let n = 0;
    const next = (): Sent[] => {
      const a = auditBatch(n);
      // Ten real flows, each given a uuid of its own: the same flow sent twice would rightly be one event.
      const lines = flowLines.slice((n * 10) % 110, ((n * 10) % 110) + 10).map((l, i) => {
        const v = JSON.parse(l) as { flow: Record<string, unknown> };
        return JSON.stringify({ ...v, flow: { ...v.flow, uuid: `outage-${n}-${i}` } });
      });
      n++;
      return [
        { kind: 'audit', body: a.body, ids: a.ids, lines: 0 },
        { kind: 'flows', body: `${lines.join('\n')}\n`, ids: [], lines: lines.length },
      ];
    };

    for (let i = 0; i < 3; i++) {
      for (const s of next()) {
        expect((await send(s)).status).toBe(200);
        sent.push(s);
      }
    }
    await broker.stop();
    const outageEnds = Date.now() + OUTAGE_MS;
    const refusals: { status: number; retryAfter: string | null }[] = [];
    while (Date.now() < outageEnds) {
      for (const s of next()) {
        const res = await send(s);
        sent.push(s);
        if (res.status !== 200) refusals.push({ status: res.status, retryAfter: res.headers.get('retry-after') });
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
    expect(refusals.length).toBeGreaterThan(0);
    for (const r of refusals) expect(r).toEqual({ status: 503, retryAfter: '2' });
    expect(sent.filter((s) => s.kind === 'audit' && s.status === 503).length).toBeGreaterThan(5);
    await broker.start();
    // What a client does with a 503: wait Retry-After, send the same batch again, until it is taken.
    const deadline = Date.now() + 120_000;
    for (const s of sent.filter((x) => x.status !== 200)) {
      for (await send(s); s.status !== 200; await send(s)) {
        expect(s.status).toBe(503);
        expect(Date.now(), 'a batch is still refused two minutes after Kafka came back').toBeLessThan(deadline);
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
    const auditIds = sent.filter((s) => s.kind === 'audit').flatMap((s) => s.ids);
    const records = await readTopic(broker.brokers, c.topics.audit, auditIds.length, 60_000);
    const seen = new Map<string, number>();
    for (const r of records) {
      const id = (JSON.parse(r.value) as AuditEvent).data.auditID;
      seen.set(id, (seen.get(id) ?? 0) + 1);
    }
    expect([...seen.values()].every((k) => k === 1)).toBe(true);
    expect(new Set(seen.keys())).toEqual(new Set(auditIds));
    expect(await topicRecordCount(broker.brokers, c.topics.audit)).toBe(auditIds.length);
    // Flows: aggregated, so counted rather than named; every accepted line is in the topic once.
    const accepted = sent.filter((s) => s.kind === 'flows').reduce((k, s) => k + s.lines, 0);
    await expect
      .poll(async () => topicRecordCount(broker.brokers, c.topics.flows), { timeout: 30_000, interval: 500 })
      .toBeGreaterThan(0);
    let flows: FlowEvent[] = [];
    await expect
      .poll(
        async () => {
          const total = await topicRecordCount(broker.brokers, c.topics.flows);
          flows = (await readTopic(broker.brokers, c.topics.flows, total, 30_000)).map((r) => JSON.parse(r.value) as FlowEvent);
          return flows.reduce((k, e) => k + e.data.count, 0);
        },
        { timeout: 30_000, interval: 1000 },
      )
      .toBe(accepted);
    expect(new Set(flows.map((e) => e.id)).size).toBe(flows.length);
  });
});
