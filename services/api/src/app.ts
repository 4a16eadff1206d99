import { fastify, type FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiDeps } from './deps';
import { authorize } from './http/auth';
import { ApiError } from './http/errors';
import { openApiDocument } from './http/openapi';
import { defineRoute, registerRoute, type AnyRoute } from './http/route';
import { findingActionRoutes } from './routes/finding-actions';
import { findingRoutes } from './routes/findings';
import { postureRoutes } from './routes/posture';
import { queryRoutes } from './routes/query';
import { remediationRoutes } from './routes/remediations';
import { ruleRoutes } from './routes/rules';
import { silenceRoutes } from './routes/silences';
import { systemRoutes } from './routes/system';
import { tokenRoutes } from './routes/tokens';
import { registerDashboard } from './web';

export const apiVersion = '1.0.0';

/** Every JSON route of the API, in the order the OpenAPI document lists them. */
export function apiRoutes(deps: ApiDeps): AnyRoute[] {
  const routes = [
    ...systemRoutes(deps),
    ...findingRoutes(deps),
    ...findingActionRoutes(deps),
    ...silenceRoutes(deps),
    ...remediationRoutes(deps),
    ...ruleRoutes(deps),
    ...postureRoutes(deps),
    ...queryRoutes(deps),
    ...tokenRoutes(deps),
  ];
  // The document describes every route, itself included; built on first request.
  let document: Record<string, unknown> | undefined;
  routes.push(
    defineRoute({
      method: 'GET',
      url: '/api/openapi.json',
      tag: 'system',
      summary: 'This document (OpenAPI 3.1)',
      access: 'viewer',
      response: z.record(z.string(), z.unknown()),
      handler: async () => (document ??= openApiDocument(routes, apiVersion)),
    }),
  );
  return routes;
}

const securityHeaders = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** The fastify app: routes, dashboard, metrics, JSON errors. Not listening yet. */
export function buildApp(deps: ApiDeps): FastifyInstance {
  const app = fastify({ loggerInstance: deps.logger.child({ component: 'http' }), bodyLimit: deps.env.API_BODY_LIMIT }) as unknown as FastifyInstance;
  app.decorateRequest('principal', undefined);

  // JSON bodies, where an empty body is "no body" (POST /acknowledge needs none).
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch (err) {
      done(new ApiError(400, 'bad_request', `the body is not valid JSON: ${(err as Error).message}`), undefined);
    }
  });

  app.setErrorHandler(async (err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof ApiError) return reply.code(err.statusCode).headers(err.headers).send(err.body());
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply.code(413).send({ error: 'payload_too_large', message: `the body is larger than ${deps.env.API_BODY_LIMIT} bytes (API_BODY_LIMIT)` });
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return reply.code(415).send({ error: 'unsupported_media_type', message: 'send Content-Type: application/json' });
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return reply.code(err.statusCode).send({ error: 'bad_request', message: err.message });
    req.log.error({ err }, 'request failed');
    return reply.code(500).send({ error: 'internal', message: 'internal error' });
  });
  app.setNotFoundHandler(async (req, reply) => reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` }));

  app.addHook('onSend', async (_req, reply, payload) => {
    reply.headers(securityHeaders);
    return payload;
  });
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    deps.metrics.requests.inc({ route, method: req.method, status: String(reply.statusCode) });
    deps.metrics.duration.observe({ route, method: req.method }, reply.elapsedTime / 1000);
    // Every change made through the API, with who made it (finding changes are also in finding_events).
    if (req.method !== 'GET' && req.principal && reply.statusCode < 400)
      req.log.info({ actor: req.principal.name, tokenId: req.principal.tokenId, method: req.method, route, params: req.params, status: reply.statusCode }, 'api change');
  });

  for (const route of apiRoutes(deps)) registerRoute(app, deps, route);
  app.get('/metrics', async (req, reply) => {
    await authorize(deps.store.db, req, 'viewer', deps.clock());
    return reply.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  registerDashboard(app);
  return app;
}
