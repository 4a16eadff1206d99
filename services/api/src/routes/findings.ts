import { InvalidCursorError, listFindings } from '@ztv/store';
import type { ApiDeps } from '../deps';
import { ApiError, notFound } from '../http/errors';
import { defineRoute, type AnyRoute } from '../http/route';
import { idParams } from '../schemas/common';
import { findingDetailSchema, findingListQuery, findingPageSchema } from '../schemas/findings';
import { findingDetail } from '../queries/finding-detail';

export function findingRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/findings',
      tag: 'findings',
      summary: 'List findings, newest first, a page at a time',
      description: 'Keyset pagination: follow `nextCursor` until it is null. Filters combine with AND; list filters match any of their values.',
      access: 'viewer',
      query: findingListQuery,
      response: findingPageSchema,
      handler: async ({ query }) => {
        try {
          return await listFindings(
            deps.store.db,
            {
              ...(query.status ? { status: query.status } : {}),
              ...(query.severity ? { severity: query.severity } : {}),
              ...(query.rule ? { ruleId: query.rule } : {}),
              ...(query.area ? { area: query.area } : {}),
              ...(query.cluster ? { cluster: query.cluster } : {}),
              ...(query.namespace ? { namespace: query.namespace === '-' ? null : query.namespace } : {}),
              ...(query.since ? { seenSince: new Date(query.since) } : {}),
              ...(query.until ? { seenBefore: new Date(query.until) } : {}),
            },
            { sort: query.sort, limit: query.limit, ...(query.cursor ? { cursor: query.cursor } : {}) },
          );
        } catch (err) {
          if (err instanceof InvalidCursorError)
            throw new ApiError(400, 'bad_request', 'invalid cursor: pass the nextCursor of a previous page with the same sort');
          throw err;
        }
      },
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/findings/:id',
      tag: 'findings',
      summary: 'One finding with its evidence, history, notifications and remediations',
      access: 'viewer',
      params: idParams,
      response: findingDetailSchema,
      errors: [404],
      handler: async ({ params }) => {
        const detail = await findingDetail(deps.store.db, params.id);
        if (!detail) throw notFound('finding', params.id);
        return detail;
      },
    }),
  ];
}
