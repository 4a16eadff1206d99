import { readFileSync } from 'node:fs';
import { fastify, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Env } from '@ztv/config';
import type { Logger } from '@ztv/telemetry';
import { BackpressureError } from './errors';

/** The collector's HTTP server: TLS with optional client certificates when configured, errors as clear JSON. */
export function createHttpServer(env: Env, logger: Logger): FastifyInstance {
  const opts: FastifyServerOptions & { https?: object } = {
    loggerInstance: logger.child({ component: 'http' }),
    bodyLimit: env.COLLECTOR_BODY_LIMIT,
  };
  if (env.COLLECTOR_TLS_CERT_FILE && env.COLLECTOR_TLS_KEY_FILE) {
    opts.https = {
      cert: readFileSync(env.COLLECTOR_TLS_CERT_FILE),
      key: readFileSync(env.COLLECTOR_TLS_KEY_FILE),
      ...(env.COLLECTOR_CLIENT_CA_FILE ? { ca: readFileSync(env.COLLECTOR_CLIENT_CA_FILE), requestCert: true, rejectUnauthorized: false } : {}),
    };
  }
  const app = fastify(opts as FastifyServerOptions) as unknown as FastifyInstance;
  app.setErrorHandler(async (err: Error & { statusCode?: number; code?: string }, _req, reply) => {
    if (err instanceof BackpressureError) {
      return reply.code(503).header('retry-after', String(err.retryAfterSeconds)).send({ error: 'unavailable', message: err.message });
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(413).send({ error: 'payload_too_large', message: `the body is larger than the limit of ${env.COLLECTOR_BODY_LIMIT} bytes (COLLECTOR_BODY_LIMIT)` });
    }
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return reply.code(415).send({ error: 'unsupported_media_type', message: 'send Content-Type: application/json' });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      const message = err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? 'the body is empty' : /JSON/i.test(err.message) ? `the body is not valid JSON: ${err.message}` : err.message;
      return reply.code(err.statusCode).send({ error: 'bad_request', message });
    }
    reply.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  });
  // Only JSON is ingested: without this, fastify's default text/plain parser would accept any text body.
  app.removeContentTypeParser('text/plain');
  app.get('/healthz', async () => ({ ok: true }));
  return app;
}
