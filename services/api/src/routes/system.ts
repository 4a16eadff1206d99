import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { ApiDeps } from '../deps';
import { ApiError } from '../http/errors';
import { defineRoute, type AnyRoute } from '../http/route';

/** Liveness, readiness and the OpenAPI document (its route is added by the app, which knows every route). */
export function systemRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/healthz',
      tag: 'system',
      summary: 'Liveness: the process answers (no token needed)',
      access: 'public',
      response: z.object({ ok: z.literal(true) }),
      handler: async () => ({ ok: true as const }),
    }),
    defineRoute({
      method: 'GET',
      url: '/readyz',
      tag: 'system',
      summary: 'Readiness: the database answers (no token needed)',
      access: 'public',
      response: z.object({ ok: z.literal(true), database: z.literal('ok') }),
      errors: [503],
      handler: async () => {
        try {
          await deps.store.db.execute(sql`select 1`);
        } catch (err) {
          throw new ApiError(503, 'unavailable', 'the database does not answer', {}, { cause: err });
        }
        return { ok: true as const, database: 'ok' as const };
      },
    }),
  ];
}
