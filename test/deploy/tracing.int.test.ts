import { readFileSync } from 'node:fs';
import { SpanKind } from '@opentelemetry/api';
import { core, node, tracing } from '@opentelemetry/sdk-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../support/postgres';
import { postAudit, startSlice, type Slice } from '../support/slice';

const fixture = readFileSync(new URL('../e2e/fixtures/audit-eventlist-netpol-delete.json', import.meta.url), 'utf8');

// The tracer provider of this test process: every span of the in-process slice lands in memory, propagated as W3C
// trace context exactly as in production (where sdk-node registers the same propagator and the OTLP exporter).
const exporter = new tracing.InMemorySpanExporter();
const provider = new node.NodeTracerProvider({ spanProcessors: [new tracing.SimpleSpanProcessor(exporter)] });
provider.register({ propagator: new core.W3CTraceContextPropagator() });

const spans = (name: string) => exporter.getFinishedSpans().filter((s) => s.name === name);

describe('tracing: one trace from the audit webhook request to the finding', () => {
  let slice: Slice;
  let db: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    db = await createTestDatabase(inject('databaseTemplateUrl'));
    slice = await startSlice({ brokers: inject('kafkaBrokers'), databaseUrl: db.url });
  });
  afterAll(async () => {
    await slice?.stop();
    await db?.drop();
    await provider.shutdown();
  });

  it('links collector (receive → produce), rule-worker (evaluate) and alerter (apply) into one trace', async () => {
    const res = await postAudit(slice, fixture);
    expect(res.status).toBe(200);
    // The alerter's span ends after the finding is committed: wait for the one that applied a signal.
    await expect
      .poll(() => spans('alerter apply').filter((s) => Number(s.attributes['ztv.signals']) > 0).length, { timeout: 60_000, interval: 200 })
      .toBeGreaterThan(0);

    const [receive] = spans('audit-webhook receive');
    expect(receive).toBeDefined();
    const traceId = receive!.spanContext().traceId;
    // No HTTP instrumentation in this process and no traceparent from the caller: the webhook span is the root.
    expect(receive!.kind).toBe(SpanKind.SERVER);
    expect(receive!.parentSpanContext).toBeUndefined();

    const [produce] = spans('collector produce');
    expect(produce!.kind).toBe(SpanKind.PRODUCER);
    expect(produce!.spanContext().traceId).toBe(traceId);
    expect(produce!.parentSpanContext?.spanId).toBe(receive!.spanContext().spanId);

    // Every audit record of the batch (4 accepted) is evaluated in a CONSUMER span continuing the producer's.
    const evaluate = spans('rule-worker evaluate').filter((s) => s.attributes['ztv.event.type'] === 'k8s.audit');
    expect(evaluate).toHaveLength(4);
    for (const s of evaluate) {
      expect(s.kind).toBe(SpanKind.CONSUMER);
      expect(s.spanContext().traceId).toBe(traceId);
      expect(s.parentSpanContext?.spanId).toBe(produce!.spanContext().spanId);
    }

    // The one tampering signal reaches the alerter with the evaluate span's traceparent.
    const apply = spans('alerter apply').filter((s) => Number(s.attributes['ztv.signals']) > 0);
    expect(apply).toHaveLength(1);
    expect(apply[0]!.kind).toBe(SpanKind.CONSUMER);
    expect(apply[0]!.spanContext().traceId).toBe(traceId);
    expect(evaluate.map((s) => s.spanContext().spanId)).toContain(apply[0]!.parentSpanContext?.spanId);

    // And the finding it committed is the one the request caused.
    const rows = (await slice.store.pool.query<{ rule_id: string }>('select rule_id from findings')).rows;
    expect(rows.map((r) => r.rule_id)).toEqual(['policy-tampered']);
  });

  it('continues the trace of a caller that sends a traceparent header', async () => {
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    exporter.reset();
    const batch = JSON.parse(fixture) as { items: { auditID: string }[] };
    // Fresh audit ids, so the batch is new to the rule engine (a replay yields no new signal).
    batch.items.forEach((item, i) => (item.auditID = `00000000-0000-4000-8000-00000000000${i}`));
    const res = await postAudit(slice, JSON.stringify(batch), { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` });
    expect(res.status).toBe(200);
    await expect.poll(() => spans('rule-worker evaluate').length, { timeout: 60_000, interval: 200 }).toBe(4);
    const [receive] = spans('audit-webhook receive');
    expect(receive!.spanContext().traceId).toBe(callerTrace);
    expect(receive!.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(spans('rule-worker evaluate').map((s) => s.spanContext().traceId)).toEqual(Array(4).fill(callerTrace));
  });
});
