import { gzipSync } from 'node:zlib';
import { loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DeadLetter, FlowEvent } from '@ztv/events';
import { sharedFixture, startTestCollector, type TestCollector } from '../../test-support';
import { PROTO_DIR } from '../hubble-relay/proto';

let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector({ COLLECTOR_FLOW_NDJSON_ENABLED: 'true', COLLECTOR_OTLP_LOGS_ENABLED: 'true', COLLECTOR_FLOW_WINDOW_SECONDS: '0.2', COLLECTOR_BODY_LIMIT: '262144' });
});
afterAll(() => c?.stop());

const flows = () => c.values<FlowEvent>(c.topics.flows);
const sourced = (source: string) => flows().filter((e) => e.source === source);
const counted = (source: string) => sourced(source).reduce((n, e) => n + e.data.count, 0);

/** The authored sidecar access log as OTLP attributes, the way Istio's envoyOtelAls provider sends labels. */
function otlpRequest(): Record<string, unknown> {
  const records = sharedFixture('authored/istio-sidecar-access.jsonl')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const logRecords = records.map((r) => ({
    timeUnixNano: String(Date.parse(String(r.start_time)) * 1_000_000),
    body: { stringValue: `[${String(r.start_time)}] "${String(r.method)} ${String(r.path)}" ${String(r.response_code)}` },
    attributes: Object.entries(r)
      .filter(([, v]) => v !== null)
      .map(([key, v]) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: String(v) } })),
  }));
  const nodeName = 'sidecar~10.244.1.17~productpage-v1-6b746f74dc-9stvs.bookinfo~bookinfo.svc.cluster.local';
  return {
    resourceLogs: [{ resource: { attributes: [{ key: 'node_name', value: { stringValue: nodeName } }, { key: 'log_name', value: { stringValue: 'otel_envoy_accesslog' } }] }, scopeLogs: [{ scope: {}, logRecords }] }],
  };
}

describe('POST /flows/ndjson', () => {
  it('takes Hubble JSON lines, aggregates identical flows, and keeps every flow counted', async () => {
    const text = sharedFixture('hubble/hubble-otel-basic-sample-400-tcp-flows.first120.json');
    const res = await c.post('/flows/ndjson', text, 'application/x-ndjson');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ format: 'hubble', accepted: 120, deadLettered: 0 });
    await vi.waitFor(() => expect(counted('hubble-ndjson')).toBe(120));
    expect(sourced('hubble-ndjson').length).toBeLessThan(120);
    const metrics = await (await fetch(`${c.url}/metrics`, { headers: { authorization: `Bearer ${c.token}` } })).text();
    expect(metrics).toMatch(/ztv_collector_source_records_total\{source="hubble-ndjson",outcome="received"[^}]*\} 120\n/);
    expect(metrics).toContain(`ztv_collector_source_records_total{source="hubble-ndjson",outcome="produced",service="collector"} ${sourced('hubble-ndjson').length}\n`);
  });

  it('takes Envoy access-log lines, and dead-letters the lines that do not parse with the reason', async () => {
    const text = `${sharedFixture('authored/istio-sidecar-access.jsonl').trim()}\n{"upstream_cluster": "inbound|9080||", "response_code": \n`;
    const res = await c.post('/flows/ndjson?namespace=bookinfo&pod=details-v1-79f774bdb9-x2x8l', text, 'application/x-ndjson');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ format: 'envoy-access-log', deadLettered: 1 });
    await vi.waitFor(() => expect(c.values<DeadLetter>(c.topics.deadletter).some((d) => d.source === 'envoy-ndjson' && d.stage === 'parse' && d.reason.length > 0)).toBe(true));
  });

  it('refuses what is not a flow format, an unauthenticated request and a body over the limit', async () => {
    expect((await c.post('/flows/ndjson', sharedFixture('authored/chronyc-tracking-worker-4.txt'), 'text/plain')).status).toBe(400);
    const anon = await fetch(`${c.url}/flows/ndjson`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: '{}' });
    expect(anon.status).toBe(401);
    expect((await c.post('/flows/ndjson', 'x'.repeat(300_000), 'application/x-ndjson')).status).toBe(413);
  });
});

describe('POST /v1/logs (OTLP/HTTP)', () => {
  it('reads Envoy access logs from OTLP/JSON attributes, placing the sidecar from the Istio node id', async () => {
    const res = await c.post('/v1/logs', JSON.stringify(otlpRequest()), 'application/json');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({});
    await vi.waitFor(() => expect(counted('envoy-als')).toBe(4));
    const inbound = sourced('envoy-als').find((e) => e.data.reporter === 'sidecar-inbound' && e.data.destination.pod === 'productpage-v1-6b746f74dc-9stvs');
    expect(inbound?.data.destination.namespace).toBe('bookinfo');
  });

  it('reads the binary protobuf encoding, gzip-compressed, and answers in protobuf', async () => {
    const def = loadSync('otlp/logs.proto', { keepCase: false, longs: String, includeDirs: [PROTO_DIR] });
    const pkg = loadPackageDefinition(def) as unknown as { opentelemetry: { proto: { collector: { logs: { v1: { LogsService: ServiceClientConstructor } } } } } };
    const method = pkg.opentelemetry.proto.collector.logs.v1.LogsService.service.Export as unknown as { requestSerialize(v: unknown): Buffer };
    const before = counted('envoy-als');
    const body = gzipSync(method.requestSerialize(otlpRequest()));
    const res = await c.post('/v1/logs', body, 'application/x-protobuf', { 'content-encoding': 'gzip' });
    expect(res.status, res.body).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-protobuf');
    await vi.waitFor(() => expect(counted('envoy-als')).toBe(before + 4));
  });

  it('rejects records that are not access logs in partialSuccess and dead-letters them', async () => {
    const req = { resourceLogs: [{ scopeLogs: [{ logRecords: [{ body: { stringValue: 'just a log line' } }] }] }] };
    const res = await c.post('/v1/logs', JSON.stringify(req), 'application/json');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ partialSuccess: { rejectedLogRecords: '1' } });
    expect((await c.post('/v1/logs', '{"not":"otlp"}', 'application/json')).status).toBe(400);
    expect((await c.post('/v1/logs', Buffer.from([0xff, 0xff, 0xff]), 'application/x-protobuf')).status).toBe(400);
    const notGzip = await c.post('/v1/logs', '{"resourceLogs":[]}', 'application/json', { 'content-encoding': 'gzip' });
    expect(notGzip.status).toBe(400);
    expect(notGzip.body).toContain('gzip');
  });
});
