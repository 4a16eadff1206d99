import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobError, RetryableError, RetryAfterError, UnrecoverableJobError } from '@ztv/jobs';
import { deliver } from './deliver';
import type { Notification } from './render';
import { parseRetryAfter } from './retry-after';
import { startTestServer } from './test-server';

const secretPath = '/services/T0/B0/XOXSECRETPATH';
const token = 'T0KENSECRET';
let server: Awaited<ReturnType<typeof startTestServer>>;
let closedPort: string;

beforeAll(async () => {
  server = await startTestServer((req, res) => {
    const scenario = new URL(req.url, 'http://x').searchParams.get('s');
    switch (scenario) {
      case 'slack':
        return res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      case 'pagerduty':
        return res
          .writeHead(202, { 'content-type': 'application/json' })
          .end('{"status":"success","message":"Event processed","dedup_key":"fp"}');
      case '429':
        return res.writeHead(429, { 'retry-after': '7' }).end('rate limited');
      case '429-date':
        return res.writeHead(429, { 'retry-after': new Date(Date.now() + 30_000).toUTCString() }).end();
      case '429-bare':
        return res.writeHead(429).end();
      case '503':
        return res.writeHead(503, { 'retry-after': '2' }).end('maintenance');
      case '500':
        return res.writeHead(500).end('internal error');
      case '400':
        // A server that echoes the request back must not get the secrets into our error.
        return res.writeHead(400).end(`invalid_payload for ${req.url} with ${req.headers.authorization}`);
      case '404':
        return res.writeHead(404).end('no_service');
      case 'redirect':
        return res.writeHead(302, { location: 'https://elsewhere.example.com/' }).end();
      case 'hang':
        return; // never answers
      default:
        return res.writeHead(418).end();
    }
  });
  const other = await startTestServer(() => {});
  closedPort = other.base;
  await other.close();
});
afterAll(() => server.close());

function notification(scenario: string, base = server.base): Notification {
  const url = `${base}${secretPath}?s=${scenario}`;
  return {
    url,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: '{"text":"hi"}',
    secrets: [url, token],
  };
}

async function failure(scenario: string, base?: string, timeoutMs = 2_000): Promise<JobError> {
  const err = await deliver(notification(scenario, base), { timeoutMs }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(JobError);
  const e = err as JobError;
  expect(e.message).not.toMatch(/XOXSECRETPATH|T0KENSECRET/);
  expect(e.message).toContain('127.0.0.1');
  return e;
}

describe('deliver', () => {
  it('treats 2xx as delivered: Slack 200 "ok", PagerDuty 202 JSON', async () => {
    expect(await deliver(notification('slack'), { timeoutMs: 2_000 })).toEqual({ statusCode: 200 });
    expect(await deliver(notification('pagerduty'), { timeoutMs: 2_000 })).toEqual({ statusCode: 202 });
    const last = server.received.at(-1)!;
    expect(last).toMatchObject({ method: 'POST', body: '{"text":"hi"}' });
    expect(last.headers['content-type']).toBe('application/json');
  });

  it('honours Retry-After on 429 and 5xx (seconds or HTTP-date)', async () => {
    const e429 = await failure('429');
    expect(e429).toBeInstanceOf(RetryAfterError);
    expect(e429).toMatchObject({ retryAfterMs: 7_000, retry: true, context: { statusCode: 429 } });
    expect(e429.message).toBe(`POST to ${new URL(server.base).host} answered 429: rate limited`);
    const dated = (await failure('429-date')) as RetryAfterError;
    expect(dated.retryAfterMs).toBeGreaterThan(25_000);
    expect(dated.retryAfterMs).toBeLessThanOrEqual(30_000);
    expect(await failure('503')).toMatchObject({ retryAfterMs: 2_000, context: { statusCode: 503 } });
  });

  it('retries 429 / 5xx without Retry-After with the default backoff', async () => {
    for (const s of ['429-bare', '500']) {
      const e = await failure(s);
      expect(e).toBeInstanceOf(RetryableError);
      expect(e).not.toBeInstanceOf(RetryAfterError);
    }
  });

  it('does not retry other 4xx or a redirect, and keeps secrets out of the error', async () => {
    const e400 = await failure('400');
    expect(e400).toBeInstanceOf(UnrecoverableJobError);
    expect(e400).toMatchObject({ retry: false, context: { statusCode: 400 } });
    expect(e400.message).toContain('invalid_payload for [redacted] with Bearer [redacted]');
    expect(await failure('404')).toMatchObject({ retry: false, context: { statusCode: 404 } });
    expect(await failure('redirect')).toMatchObject({ retry: false, context: { statusCode: 302 } });
  });

  it('retries a timeout and a refused connection', async () => {
    const t = await failure('hang', undefined, 200);
    expect(t).toBeInstanceOf(RetryableError);
    expect(t.message).toMatch(/timed out after 200 ms/);
    const refused = await failure('slack', closedPort);
    expect(refused).toBeInstanceOf(RetryableError);
    expect(refused.message).toMatch(/failed: ECONNREFUSED/);
  });

  it('uses the fetch it is given', async () => {
    const seen: string[] = [];
    const fake = (async (url: string | URL | Request) => (
      seen.push(String(url)),
      new Response('ok', { status: 200 })
    )) as typeof fetch;
    expect(
      await deliver(notification('x', 'https://hooks.example.com'), { fetch: fake, timeoutMs: 100 }),
    ).toEqual({ statusCode: 200 });
    expect(seen).toEqual([`https://hooks.example.com${secretPath}?s=x`]);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-11-26T12:00:00Z');
  it('reads delay-seconds and HTTP-dates, caps at an hour, ignores junk', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Wed, 26 Nov 2025 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 26 Nov 2025 11:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('86400', now)).toBe(3_600_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});
