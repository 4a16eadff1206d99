import type { ApiDeps } from '../deps';
import { defineRoute, type AnyRoute } from '../http/route';
import { postureQuery, postureSchema } from '../schemas/misc';
import { postureSummary } from '../queries/posture';

export function postureRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/posture',
      tag: 'posture',
      summary: 'Posture summary: live findings by severity and area, opened vs resolved per day, MTTR by rule',
      access: 'viewer',
      query: postureQuery,
      response: postureSchema,
      handler: async ({ query }) => postureSummary(deps.store.db, { days: query.days, now: deps.clock() }),
    }),
  ];
}
