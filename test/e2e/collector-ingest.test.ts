import { appendFile, mkdtemp, rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { AuditEvent, FlowEvent } from '@ztv/events';
import { startObserverTestServer, type ObserverTestServer } from '../../services/collector/src/sources/hubble-relay/test-server';
import { sharedFixture, startTestCollector, type TestCollector } from '../../services/collector/src/test-support';
import { readTopic, topicRecordCount } from '../support/kafka-lag';

type Json = Record<string, unknown>;
const jsonLines = (rel: string): Json[] =>
  sharedFixture(rel)
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Json);

describe('e2e: flows and audit files → Kafka', () => {
  const brokers = inject('kafkaBrokers');
  let relay: ObserverTestServer;
  let dir: string;
  let c: TestCollector;
  const hubble = [...jsonLines('hubble/hubble-otel-basic-sample-10-flows.json'), ...jsonLines('hubble/hubble-otel-basic-sample-400-l7-redirected-flows.first120.json')];

  beforeAll(async () => {
    relay = await startObserverTestServer(hubble);
    dir = await mkdtemp(join(tmpdir(), 'ztv-e2e-ingest-'));
    c = await startTestCollector(
      {
        COLLECTOR_HUBBLE_RELAY_ENABLED: 'true',
        COLLECTOR_HUBBLE_RELAY_ADDRESS: relay.address,
        COLLECTOR_OTLP_LOGS_ENABLED: 'true',
        COLLECTOR_AUDIT_FILE_ENABLED: 'true',
        COLLECTOR_AUDIT_FILE_PATH: join(dir, 'audit.log'),
        COLLECTOR_FILE_POLL_MS: '50',
        COLLECTOR_FLOW_WINDOW_SECONDS: '1',
      },
      { kafkaBrokers: brokers, stateDir: join(dir, 'state') },
    );
  });
  afterAll(async () => {
    await c?.stop();
    await relay?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const counted = (source: string) => c.values<FlowEvent>(c.topics.flows).filter((e) => e.source === source).reduce((n, e) => n + e.data.count, 0);

  it('a gRPC Observer streaming real-format flows lands them in ztv.flows.v1, aggregated and all counted', async () => {
    await vi.waitFor(() => expect(counted('hubble-relay')).toBe(hubble.length), { timeout: 30_000 });
    const events = c.values<FlowEvent>(c.topics.flows).filter((e) => e.source === 'hubble-relay');
    expect(events.length).toBeLessThan(hubble.length);
    expect(new Set(events.map((e) => e.data.verdict))).toEqual(new Set(['forwarded', 'redirected']));
    // Follow mode: a flow Relay sees later is streamed on the open call.
    const later = { ...(hubble[0] as Json), flow: { ...((hubble[0] as Json).flow as Json), time: '2021-11-10T11:00:00.000000001Z', uuid: 'e2e-later-flow' } };
    relay.push(later);
    await vi.waitFor(() => expect(counted('hubble-relay')).toBe(hubble.length + 1), { timeout: 30_000 });
    expect(relay.requests).toHaveLength(1);
  });

  it('an OTLP/HTTP logs POST of Envoy access logs lands in ztv.flows.v1', async () => {
    const record = JSON.parse(sharedFixture('authored/istio-sidecar-access.jsonl').split('\n')[0] as string) as Json;
    const attributes = Object.entries(record)
      .filter(([, v]) => v !== null)
      .map(([key, v]) => ({ key, value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: String(v) } }));
    const body = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'node_name', value: { stringValue: 'sidecar~10.244.1.17~productpage-v1-6b746f74dc-9stvs.bookinfo~bookinfo.svc.cluster.local' } }] },
          scopeLogs: [{ logRecords: [{ timeUnixNano: '1773480413118000000', attributes }] }],
        },
      ],
    };
    const res = await c.post('/v1/logs', JSON.stringify(body));
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(counted('envoy-als')).toBe(1), { timeout: 30_000 });
    const flow = c.values<FlowEvent>(c.topics.flows).find((e) => e.source === 'envoy-als');
    expect(flow?.data).toMatchObject({ reporter: 'sidecar-inbound', mtls: { mode: 'mutual' }, destination: { namespace: 'bookinfo', pod: 'productpage-v1-6b746f74dc-9stvs' } });
  });

  it('a rotated audit log file is read exactly once', async () => {
    const template = JSON.parse(sharedFixture('k8s-audit/audit2rbac-demo.log').split('\n')[0] as string) as Json;
    const line = (i: number) => `${JSON.stringify({ ...template, auditID: `e2e00000-0000-4000-8000-${String(i).padStart(12, '0')}` })}\n`;
    const path = join(dir, 'audit.log');
    const write = (from: number, to: number, file = path) => appendFile(file, Array.from({ length: to - from + 1 }, (_, k) => line(from + k)).join(''));
    await write(1, 40);
    await vi.waitFor(() => expect(c.values(c.topics.audit)).toHaveLength(40), { timeout: 30_000 });
    await write(41, 50);
    await rename(path, `${path}.1`);
    await write(51, 55, `${path}.1`); // the writer still had the old file open
    await write(56, 80);
    await vi.waitFor(() => expect(c.values(c.topics.audit)).toHaveLength(80), { timeout: 30_000 });
    const records = await readTopic(brokers, c.topics.audit, 80);
    const ids = records.map((r) => (JSON.parse(r.value) as AuditEvent).data.auditID);
    expect(new Set(ids).size).toBe(80);
    await new Promise((r) => setTimeout(r, 500));
    expect(await topicRecordCount(brokers, c.topics.audit)).toBe(80);
  });
});
