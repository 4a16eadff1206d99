import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { sharedFixture, startTestCollector, type TestCollector } from '../../services/collector/src/test-support';
import { measureAggregation } from './collector-aggregation';
import { countArg } from './args';

/*
 * `npm run bench:collector [-- <requests> <clients>]`: events per second the collector accepts (HTTP 200, i.e.
 * handed to the event log) at the audit webhook (EventLists of 100 real-format audit events) and at the NDJSON flow
 * endpoint (100 Hubble JSON lines per request), with <clients> concurrent keep-alive clients on loopback. The
 * in-memory event log is used unless KAFKA_BROKERS is set. Also measures the flow aggregation reduction over the
 * Hubble fixtures. Writes bench-results/collector.json and bench-results/flow-aggregation.json.
 */

const REQUESTS = countArg(0, 'requests', 300);
const CLIENTS = countArg(1, 'clients', 8);
const BATCH = 100;
const TIME_LIMIT_MS = 60_000;
const kafka = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean);

const auditTemplates = sharedFixture('k8s-audit/audit2rbac-demo.log')
  .split('\n')
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as Record<string, unknown>);
const flowTemplates = ['hubble-otel-basic-sample-400-tcp-flows.first120.json', 'hubble-otel-basic-sample-348-http-flows.first100.json', 'hubble-otel-basic-sample-330-dns-flows.first120.json']
  .flatMap((f) => sharedFixture(`hubble/${f}`).split('\n'))
  .filter((l) => l.trim())
  .map((l) => JSON.parse(l) as { flow: Record<string, unknown> });

/** Request i's body: fresh ids (auditID / flow uuid) so nothing is a replay, real-format content. */
function auditBody(i: number): string {
  const items = Array.from({ length: BATCH }, (_, k) => ({ ...auditTemplates[(i + k) % auditTemplates.length], auditID: `bench-${i}-${k}` }));
  return JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'EventList', items });
}
function flowBody(i: number): string {
  return Array.from({ length: BATCH }, (_, k) => {
    const t = flowTemplates[(i * BATCH + k) % flowTemplates.length] as { flow: Record<string, unknown> };
    return JSON.stringify({ ...t, flow: { ...t.flow, uuid: `bench-${i}-${k}` } });
  }).join('\n');
}

interface Result {
  endpoint: string;
  requests: number;
  accepted: number;
  refused: number;
  seconds: number;
  eventsPerSecond: number;
  p50ms: number;
  p99ms: number;
}

async function run(c: TestCollector, endpoint: string, contentType: string, body: (i: number) => string): Promise<Result> {
  const bodies = Array.from({ length: REQUESTS }, (_, i) => body(i));
  const latencies: number[] = [];
  let next = 0;
  let accepted = 0;
  let refused = 0;
  const deadline = Date.now() + TIME_LIMIT_MS;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = next++; i < REQUESTS && Date.now() < deadline; i = next++) {
        const t = performance.now();
        const res = await c.post(endpoint, bodies[i] as string, contentType);
        latencies.push(performance.now() - t);
        if (res.status === 200) accepted++;
        else refused++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Number((latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0).toFixed(1));
  return { endpoint, requests: accepted + refused, accepted, refused, seconds: Number(seconds.toFixed(2)), eventsPerSecond: Math.round((accepted * BATCH) / seconds), p50ms: pct(0.5), p99ms: pct(0.99) };
}

const c = await startTestCollector(
  { COLLECTOR_AUDIT_WEBHOOK_ENABLED: 'true', COLLECTOR_FLOW_NDJSON_ENABLED: 'true', COLLECTOR_BODY_LIMIT: String(10 * 1024 * 1024) },
  { ...(kafka?.length ? { kafkaBrokers: kafka } : {}), collect: false },
);
try {
  // Warm-up: JIT, connection pool, topic metadata.
  for (let i = 0; i < 5; i++) {
    await c.post('/audit/webhook', auditBody(REQUESTS + i));
    await c.post('/flows/ndjson', flowBody(REQUESTS + i), 'application/x-ndjson');
  }
  const audit = await run(c, '/audit/webhook', 'application/json', auditBody);
  const flows = await run(c, '/flows/ndjson', 'application/x-ndjson', flowBody);
  const aggregation = measureAggregation();
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
    eventLog: kafka?.length ? `kafka ${kafka.join(',')}` : 'in-memory',
    requestsPerEndpoint: REQUESTS,
    clients: CLIENTS,
    eventsPerRequest: BATCH,
    results: [audit, flows],
    flowAggregation: aggregation.total,
  };
  const out = resolve(import.meta.dirname, '../../bench-results');
  mkdirSync(out, { recursive: true });
  writeFileSync(resolve(out, 'collector.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(resolve(out, 'flow-aggregation.json'), `${JSON.stringify({ date: report.date, windowSeconds: 10, ...aggregation }, null, 2)}\n`);
  for (const r of [audit, flows]) {
    console.log(`${r.endpoint.padEnd(16)} ${String(r.eventsPerSecond).padStart(7)} events/s accepted  (${r.accepted}/${r.requests} requests of ${BATCH}, ${CLIENTS} clients, ${r.seconds}s, p50 ${r.p50ms} ms, p99 ${r.p99ms} ms)`);
  }
  const t = aggregation.total;
  console.log(`flow aggregation over ${t.flows} Hubble fixture flows: ${t.oneWindow} events in one window (-${(t.reductionOneWindow * 100).toFixed(1)}%), ${t.tenSecondWindows} in 10 s windows (-${(t.reductionTenSecondWindows * 100).toFixed(1)}%)`);
  console.log(`wrote ${resolve(out, 'collector.json')} and flow-aggregation.json`);
} finally {
  await c.stop();
}
