import { pino } from 'pino';
import { Counter, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { serveOps, type OpsServer } from './ops-server';

const logger = pino({ level: 'silent' });

describe('serveOps', () => {
  let ops: OpsServer | undefined;
  afterEach(async () => ops?.close());

  const start = async (tokens: string[]) => {
    const registry = new Registry();
    new Counter({ name: 'ztv_test_total', help: 'test', registers: [registry] }).inc(3);
    ops = await serveOps({ host: '127.0.0.1', port: 0, registry, tokens, logger });
    return ops;
  };

  it('reports liveness always and readiness only between setReady(true) and shutdown', async () => {
    const { url, setReady } = await start(['t']);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
    setReady(true);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    setReady(false);
    expect((await fetch(`${url}/readyz`)).status).toBe(503);
  });

  it('serves /metrics only with one of the bearer tokens', async () => {
    const { url } = await start(['first', 'second-token']);
    expect((await fetch(`${url}/metrics`)).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Basic second-token' } })).status).toBe(401);
    const res = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer second-token' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await res.text()).toContain('ztv_test_total 3');
  });

  it('refuses every scrape when no token is configured', async () => {
    const { url } = await start([]);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer ' } })).status).toBe(401);
  });

  it('answers 404 for other paths and 405 for other methods', async () => {
    const { url } = await start(['t']);
    expect((await fetch(`${url}/`)).status).toBe(404);
    const post = await fetch(`${url}/healthz`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
