import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FlowEvent } from '@ztv/events';
import { sharedFixture, startTestCollector, type TestCollector } from '../../test-support';
import type { HubbleRelaySource } from './relay-source';
import { startObserverTestServer, type ObserverTestServer } from './test-server';

type Json = Record<string, unknown>;
const fixture = (rel: string): Json[] =>
  sharedFixture(rel)
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Json);

let server: ObserverTestServer | undefined;
let c: TestCollector | undefined;
afterEach(async () => {
  await c?.stop();
  await server?.close();
});

const flowCount = (col: TestCollector) => col.values<FlowEvent>(col.topics.flows).reduce((n, e) => n + e.data.count, 0);

describe('Hubble Relay source', () => {
  it('streams flows in follow mode, and resumes from the last flow taken after the stream drops', async () => {
    const dns = fixture('hubble/hubble-otel-basic-sample-5-dns-flows.json');
    const http = fixture('hubble/hubble-otel-basic-sample-5-http-flows.json');
    server = await startObserverTestServer(dns);
    c = await startTestCollector({ COLLECTOR_HUBBLE_RELAY_ENABLED: 'true', COLLECTOR_HUBBLE_RELAY_ADDRESS: server.address, COLLECTOR_FLOW_WINDOW_SECONDS: '0.2' });
    const col = c;
    await vi.waitFor(() => expect(flowCount(col)).toBe(dns.length), { timeout: 10_000 });
    expect(server.requests[0]).toMatchObject({ follow: true });
    const source = col.collector.source<HubbleRelaySource>('hubble-relay');
    const lastTaken = source?.resumeFrom;
    expect(lastTaken).toBeDefined();
    server.dropStreams();
    for (const f of http) server.push(f);
    await vi.waitFor(() => expect(flowCount(col)).toBe(dns.length + http.length), { timeout: 15_000 });
    // The reconnect asked for flows since the last one taken, and nothing came twice.
    expect(server.requests.length).toBeGreaterThanOrEqual(2);
    const resumed = server.requests[server.requests.length - 1] as { since?: { seconds: string } };
    expect(Number(resumed.since?.seconds)).toBe(Math.floor(Date.parse(lastTaken as string) / 1000));
    const ids = col.values<FlowEvent>(col.topics.flows).map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(col.values<FlowEvent>(col.topics.flows).every((e) => e.source === 'hubble-relay')).toBe(true);
  });
});
