import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { ApiDeps } from '../deps';
import { authorize, type Access, type Principal } from './auth';
import { ApiError } from './errors';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;
/** What a handler may return for a response schema: JSON-serialisable as it, so a Date may stand for a date-time string. */
export type Wire<T> = T extends string ? string | Date : T extends (infer U)[] ? Wire<U>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

/** One endpoint as data: the OpenAPI document and the fastify route are both made from it. */
export interface RouteSpec<P extends z.ZodType | undefined, Q extends z.ZodType | undefined, B extends z.ZodType | undefined, R extends z.ZodType> {
  method: Method;
  /** fastify syntax: /api/v1/findings/:id */
  url: string;
  summary: string;
  description?: string;
  tag: string;
  access: Access;
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  /** Success status (default 200). */
  status?: number;
  /** Error statuses this route can answer besides 400/401/403/500. */
  errors?: number[];
  handler(input: { params: Out<P>; query: Out<Q>; body: Out<B>; principal: Principal | undefined; req: FastifyRequest; reply: FastifyReply }): Promise<Wire<z.output<R>>>;
}

// Every spec erased to one shape for the registry (the generic parameters only matter inside defineRoute).
export type AnyRoute = RouteSpec<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined, z.ZodType>;

/** Identity with inference: `defineRoute({...})` types the handler's input from the schemas. */
export function defineRoute<P extends z.ZodType | undefined, Q extends z.ZodType | undefined, B extends z.ZodType | undefined, R extends z.ZodType>(
  spec: RouteSpec<P, Q, B, R>,
): AnyRoute {
  return spec as unknown as AnyRoute;
}

function parse<S extends z.ZodType | undefined>(schema: S, value: unknown, where: string): Out<S> {
  if (!schema) return undefined as Out<S>;
  const r = schema.safeParse(value ?? (where === 'body' ? undefined : {}));
  if (r.success) return r.data as Out<S>;
  const issues = r.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
  throw new ApiError(400, 'bad_request', `invalid ${where}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
}

/** Registers a route: authenticate (unless public), validate params, query and body with zod, run, answer. */
export function registerRoute(app: FastifyInstance, deps: ApiDeps, spec: AnyRoute): void {
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (req, reply) => {
      const principal = spec.access === 'public' ? undefined : await authorize(deps.store.db, req, spec.access, deps.clock());
      if (principal) req.principal = principal;
      const input = {
        params: parse(spec.params, req.params, 'params'),
        query: parse(spec.query, req.query, 'query'),
        body: parse(spec.body, req.body, 'body'),
        principal,
        req,
        reply,
      };
      const result = await spec.handler(input);
      return reply.code(spec.status ?? 200).send(result);
    },
  });
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}
