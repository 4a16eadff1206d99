import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClockEvent } from '@ztv/events';
import { sharedFixture, startTestCollector, type TestCollector } from '../../test-support';
import { TIMEX_QUERY } from './prometheus-timex';

/**
 * A Prometheus HTTP API stand-in answering instant queries the way Prometheus does (`status`, `data.resultType`
 * vector, `[unix seconds, "value"]`), with the samples of node-exporter's timex metrics from the fixture.
 */
function vectorFromExposition(text: string, atSeconds: number) {
  const result = [];
  for (const line of text.split('\n')) {
    const m = /^(node_timex_(?:offset_seconds|sync_status|maxerror_seconds))\{([^}]*)\}\s+(\S+)/.exec(line);
    if (!m) continue;
    const metric: Record<string, string> = { __name__: m[1] as string };
    for (const [, k, v] of (m[2] as string).matchAll(/(\w+)="([^"]*)"/g)) metric[k as string] = v as string;
    result.push({ metric, value: [atSeconds, m[3] as string] });
  }
  return { status: 'success', data: { resultType: 'vector', result } };
}

let prometheus: Server;
let c: TestCollector;
const queries: string[] = [];
const auth: (string | undefined)[] = [];
const at = 1_773_480_000.123;

beforeAll(async () => {
  const body = JSON.stringify(vectorFromExposition(sharedFixture('authored/node-exporter-timex.prom'), at));
  prometheus = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    queries.push(url.searchParams.get('query') ?? '');
    auth.push(req.headers.authorization);
    if (url.pathname !== '/api/v1/query') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((r) => prometheus.listen(0, '127.0.0.1', r));
  const { port } = prometheus.address() as AddressInfo;
  c = await startTestCollector({ COLLECTOR_PROMETHEUS_TIMEX_ENABLED: 'true', COLLECTOR_PROMETHEUS_URL: `http://127.0.0.1:${port}`, COLLECTOR_PROMETHEUS_INTERVAL_SECONDS: '3600' });
});
afterAll(async () => {
  await c?.stop();
  await new Promise((r) => prometheus?.close(r));
});

describe('node-exporter timex through Prometheus', () => {
  it('reads one clock reading per node from the query API', async () => {
    await vi.waitFor(() => expect(c.values<ClockEvent>(c.topics.clock)).toHaveLength(2));
    expect(queries[0]).toBe(TIMEX_QUERY);
    const byNode = Object.fromEntries(c.values<ClockEvent>(c.topics.clock).map((e) => [e.data.node, e]));
    expect(byNode['worker-9']).toMatchObject({ source: 'node-exporter', time: new Date(Math.round(at * 1000)).toISOString(), data: { method: 'timex', synchronized: false, offsetSeconds: 4.212836504 } });
    expect(byNode['worker-4']?.data.synchronized).toBe(true);
  });
});
