import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';

export interface OpsServerOptions {
  host: string;
  port: number;
  /** The service's Prometheus registry (createMetrics().registry). */
  registry: Registry;
  /** Bearer tokens accepted on /metrics (METRICS_TOKENS); with none, /metrics refuses every request. */
  tokens: string[];
  logger: Logger;
}

export interface OpsServer {
  /** `http://host:port` actually bound (port 0 picks a free one). */
  url: string;
  /** Readiness as /readyz reports it: false until the service has started, false again once it shuts down. */
  setReady(ready: boolean): void;
  close(): Promise<void>;
}

const bearer = (tokens: Buffer[], header: string | undefined): boolean => {
  const m = /^Bearer (.+)$/.exec(header ?? '');
  if (!m?.[1]) return false;
  const given = Buffer.from(m[1]);
  // Compare against every token, always, so the time taken says nothing about which one nearly matched.
  return tokens.map((t) => t.length === given.length && timingSafeEqual(t, given)).includes(true);
};

/**
 * The ops endpoint every service serves beside its own port: `/healthz` (liveness: the event loop answers),
 * `/readyz` (the service has started and is not shutting down) and `/metrics` (Prometheus text, bearer token).
 * The probes carry no data and no token: a kubelet httpGet probe cannot present a secret without writing it into the
 * pod spec. node:http is imported lazily so that, under tracing, it is loaded after the instrumentations.
 */
export async function serveOps(opts: OpsServerOptions): Promise<OpsServer> {
  const { createServer } = await import('node:http');
  const tokens = opts.tokens.map((t) => Buffer.from(t));
  if (!tokens.length) opts.logger.warn('no METRICS_TOKENS: /metrics will refuse every scrape');
  let ready = false;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed\n', { allow: 'GET, HEAD' });
    if (path === '/healthz') return send(res, 200, 'ok\n');
    if (path === '/readyz') return ready ? send(res, 200, 'ready\n') : send(res, 503, 'not ready\n');
    if (path !== '/metrics') return send(res, 404, 'not found\n');
    if (!bearer(tokens, req.headers.authorization)) return send(res, 401, 'unauthorized\n', { 'www-authenticate': 'Bearer' });
    return send(res, 200, await opts.registry.metrics(), { 'content-type': opts.registry.contentType });
  };
  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      opts.logger.error({ err }, 'ops endpoint failed');
      if (!res.headersSent) send(res, 500, 'internal error\n');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  opts.logger.info({ address: url }, 'ops endpoint listening');
  return {
    url,
    setReady: (r) => void (ready = r),
    close: () => {
      ready = false;
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(body);
}
