import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CertEvent, ClockEvent, DeadLetter } from '@ztv/events';
import { sharedFixture, startTestCollector, type TestCollector } from '../../test-support';

let c: TestCollector;
beforeAll(async () => {
  c = await startTestCollector({ COLLECTOR_CERT_ENDPOINTS_ENABLED: 'true', COLLECTOR_CHRONY_ENDPOINT_ENABLED: 'true' });
});
afterAll(() => c?.stop());

const certs = () => c.values<CertEvent>(c.topics.certs);

describe('certificate endpoints', () => {
  it('POST /certs/envoy turns an Envoy /certs dump into cert events placed at the pod', async () => {
    const res = await c.post('/certs/envoy?namespace=front&pod=front-5d8f7c9b4-abcde', sharedFixture('envoy-istio/appmesh-sds-envoy-certs-front-spire.json'));
    expect(res.status).toBe(200);
    const { accepted } = JSON.parse(res.body) as { accepted: number };
    expect(accepted).toBeGreaterThan(0);
    await vi.waitFor(() => expect(certs().filter((e) => e.source === 'envoy-certs')).toHaveLength(accepted));
    expect(certs().some((e) => e.data.role === 'workload' && e.data.spiffeIds.length > 0)).toBe(true);
  });

  it('POST /logs/spire reads SVID signing lines and skips the rest', async () => {
    const res = await c.post('/logs/spire?node=spire-server-0', sharedFixture('spire-logs/spiffe-io-getting-started-k8s-server.log'), 'text/plain');
    expect(res.status).toBe(200);
    const body = JSON.parse(res.body) as { accepted: number; skipped: number };
    expect(body.accepted).toBeGreaterThan(0);
    expect(body.skipped).toBeGreaterThan(0);
    await vi.waitFor(() => expect(certs().filter((e) => e.source === 'spire')).toHaveLength(body.accepted));
  });

  it('refuses a bad query, dead-letters a document that cannot be read, and needs a token', async () => {
    expect((await c.post('/certs/envoy?namespace=Not_A_Name', '{"certificates":[]}')).status).toBe(400);
    const res = await c.post('/certs/envoy', '{"certificates":[{"cert_chain":[{"path":"x"}]}]}');
    expect(res.status).toBe(422);
    await vi.waitFor(() => expect(c.values<DeadLetter>(c.topics.deadletter).some((d) => d.source === 'envoy-certs')).toBe(true));
    const anon = await fetch(`${c.url}/logs/spire`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' });
    expect(anon.status).toBe(401);
  });
});

describe('POST /clock/chrony', () => {
  it('turns `chronyc tracking` output into a clock reading for the node', async () => {
    const res = await c.post('/clock/chrony?node=worker-9', sharedFixture('authored/chronyc-tracking-worker-9-unsynced.txt'), 'text/plain');
    expect(res.status).toBe(200);
    await vi.waitFor(() => expect(c.values<ClockEvent>(c.topics.clock).find((e) => e.data.node === 'worker-9')).toMatchObject({ source: 'chrony', data: { method: 'chrony', synchronized: false } }));
  });

  it('answers 422 when the output names no node', async () => {
    const res = await c.post('/clock/chrony', sharedFixture('authored/chronyc-tracking-worker-4.txt'), 'text/plain');
    expect(res.status).toBe(422);
    expect(JSON.parse(res.body).message).toMatch(/node/);
  });
});
