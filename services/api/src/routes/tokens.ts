import { ApiTokenNameTakenError, createApiToken, listApiTokens, revokeApiToken } from '@ztv/store';
import type { ApiDeps } from '../deps';
import { conflict, notFound } from '../http/errors';
import { defineRoute, type AnyRoute } from '../http/route';
import { idParams } from '../schemas/common';
import { meSchema, tokenCreateBody, tokenCreatedSchema, tokenInfoSchema, tokenListSchema } from '../schemas/misc';

export function tokenRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/me',
      tag: 'tokens',
      summary: 'The calling token: its name (the actor recorded on changes) and role',
      access: 'viewer',
      response: meSchema,
      handler: async ({ principal }) => principal!,
    }),
    defineRoute({
      method: 'GET',
      url: '/api/v1/tokens',
      tag: 'tokens',
      summary: 'List API tokens (never their values)',
      access: 'admin',
      response: tokenListSchema,
      handler: async () => ({ items: await listApiTokens(deps.store.db) }),
    }),
    defineRoute({
      method: 'POST',
      url: '/api/v1/tokens',
      tag: 'tokens',
      summary: 'Create an API token; its value is in this response only',
      access: 'admin',
      body: tokenCreateBody,
      response: tokenCreatedSchema,
      status: 201,
      errors: [409],
      handler: async ({ body }) => {
        try {
          const created = await createApiToken(deps.store.db, { name: body.name, role: body.role, now: deps.clock() });
          deps.metrics.mutations.inc({ action: 'token.create' });
          return created;
        } catch (err) {
          if (err instanceof ApiTokenNameTakenError) throw conflict(err.message);
          throw err;
        }
      },
    }),
    defineRoute({
      method: 'DELETE',
      url: '/api/v1/tokens/:id',
      tag: 'tokens',
      summary: 'Revoke an API token; it is refused from then on',
      access: 'admin',
      params: idParams,
      response: tokenInfoSchema,
      errors: [404],
      handler: async ({ params }) => {
        const info = await revokeApiToken(deps.store.db, params.id, deps.clock());
        if (!info) throw notFound('token', params.id);
        deps.metrics.mutations.inc({ action: 'token.revoke' });
        return info;
      },
    }),
  ];
}
