import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { readTopic } from '../support/kafka-lag';

const root = new URL('../../', import.meta.url).pathname;
const fixture = readFileSync(new URL('../e2e/fixtures/audit-eventlist-netpol-delete.json', import.meta.url), 'utf8');

interface ExportedSpan { scope: string; service: string; name: string; traceId: string; spanId: string; parentSpanId?: string }

/** An OTLP/HTTP (JSON) receiver: what an OpenTelemetry Collector would get from the service. */
function otlpReceiver(): Promise<{ url: string; spans: ExportedSpan[]; server: Server }> {
  const spans: ExportedSpan[] = [];
  type Otlp = { resourceSpans?: { resource?: { attributes?: { key: string; value: { stringValue?: string } }[] }; scopeSpans?: { scope: { name: string }; spans: Omit<ExportedSpan, 'scope' | 'service'>[] }[] }[] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Otlp;
        for (const rs of body.resourceSpans ?? []) {
          const service = rs.resource?.attributes?.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const ss of rs.scopeSpans ?? []) for (const s of ss.spans) spans.push({ scope: ss.scope.name, service, name: s.name, traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId || undefined });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, spans, server })));
}

/**
 * The production entrypoint, not an in-process stand-in: `node bin/ztv.mjs collector` with tracing configured only
 * through environment variables, as the Deployment does. Proves that the instrumentations (http, fastify, kafkajs)
 * patch the modules of an ESM service run through tsx, and that ztv's own spans sit inside theirs.
 */
describe('the image entrypoint exports one trace per audit request over OTLP', () => {
  const brokers = inject('kafkaBrokers');
  const prefix = `otel${Date.now().toString(36)}.`;
  let otlp: Awaited<ReturnType<typeof otlpReceiver>>;
  let child: ChildProcess;
  const listening: Record<string, string> = {};

  beforeAll(async () => {
    otlp = await otlpReceiver();
    child = spawn(process.execPath, ['bin/ztv.mjs', 'collector'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: {
        PATH: process.env.PATH,
        KAFKA_BROKERS: brokers.join(','),
        ZTV_TOPIC_PREFIX: prefix,
        ZTV_PARTITIONS: '1',
        COLLECTOR_HOST: '127.0.0.1',
        COLLECTOR_PORT: '0',
        COLLECTOR_TOKENS: 'audit-token',
        ZTV_OPS_HOST: '127.0.0.1',
        ZTV_OPS_PORT: '0',
        METRICS_TOKENS: 'metrics-token',
        LOG_LEVEL: 'info',
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '100',
      },
    });
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const rec = JSON.parse(line) as { msg?: string; address?: string };
      if (rec.msg === 'collector listening') listening.collector = rec.address!;
      if (rec.msg === 'ops endpoint listening') listening.ops = rec.address!;
    });
    await vi.waitFor(
      () => {
        if (child.exitCode !== null) throw new Error(`ztv collector exited with ${child.exitCode} before listening`);
        if (!listening.collector || !listening.ops) throw new Error('not listening yet');
      },
      { timeout: 60_000, interval: 100 },
    );
  });
  afterAll(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    otlp?.server.close();
  });

  it('http → fastify → audit-webhook receive → collector produce → kafkajs send, continuing the caller', async () => {
    const callerTrace = '0af7651916cd43dd8448eb211c80319c';
    const res = await fetch(`${listening.collector}/audit/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer audit-token', traceparent: `00-${callerTrace}-b7ad6b7169203331-01` },
      body: fixture,
    });
    expect(res.status).toBe(200);
    await expect.poll(() => otlp.spans.filter((s) => s.scope === '@opentelemetry/instrumentation-kafkajs').length, { timeout: 30_000, interval: 100 }).toBe(4);
    const one = (pred: (s: ExportedSpan) => boolean) => {
      const hits = otlp.spans.filter(pred);
      expect(hits).toHaveLength(1);
      return hits[0]!;
    };
    const http = one((s) => s.scope === '@opentelemetry/instrumentation-http' && s.name === 'POST /audit/webhook');
    const receive = one((s) => s.scope === 'ztv' && s.name === 'audit-webhook receive');
    const produce = one((s) => s.scope === 'ztv' && s.name === 'collector produce');
    expect(otlp.spans.every((s) => s.traceId === callerTrace && s.service === 'ztv-collector')).toBe(true);
    expect(http.parentSpanId).toBe('b7ad6b7169203331');
    // fastify's handler span sits between the HTTP server span and ztv's.
    const handler = one((s) => s.spanId === receive.parentSpanId);
    expect(handler.scope).toBe('@fastify/otel');
    expect(produce.parentSpanId).toBe(receive.spanId);
    const sends = otlp.spans.filter((s) => s.scope === '@opentelemetry/instrumentation-kafkajs');
    expect(sends.every((s) => s.parentSpanId === produce.spanId)).toBe(true);
    // The records carry the trace on to the rule-worker.
    const records = await readTopic(brokers, `${prefix}ztv.audit.v1`, 4);
    const sendIds = new Set(sends.map((s) => s.spanId));
    for (const r of records) {
      const [, trace, span] = r.headers.traceparent!.split('-');
      expect(trace).toBe(callerTrace);
      expect(sendIds.has(span!)).toBe(true);
    }
  });

  it('serves probes openly, metrics with a token, and leaves probes out of the traces', async () => {
    const before = otlp.spans.length;
    expect((await fetch(`${listening.ops}/healthz`)).status).toBe(200);
    expect((await fetch(`${listening.ops}/readyz`)).status).toBe(200);
    expect((await fetch(`${listening.ops}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${listening.ops}/metrics`, { headers: { authorization: 'Bearer metrics-token' } });
    expect(await metrics.text()).toMatch(/ztv_events_received_total\{source="audit-webhook",service="collector"\} 4/);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(otlp.spans.slice(before).filter((s) => s.scope === '@opentelemetry/instrumentation-http')).toEqual([]);
  });
});
