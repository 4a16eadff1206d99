import type { FastifyRequest } from 'fastify';
import { authenticateApiToken, type ApiTokenInfo, type ApiTokenRole, type Database } from '@ztv/store';
import { ApiError } from './errors';

/** Who is calling: the token's name is the actor recorded on every change it makes. */
export interface Principal {
  tokenId: string;
  name: string;
  role: ApiTokenRole;
}

/** What a route needs: 'public' (health probes only) or the least role allowed. */
export type Access = 'public' | ApiTokenRole;

const rank: Record<ApiTokenRole, number> = { viewer: 1, operator: 2, admin: 3 };

/** Whether `role` may call a route that needs `needed`: roles are ordered viewer < operator < admin. */
export function allows(role: ApiTokenRole, needed: ApiTokenRole): boolean {
  return rank[role] >= rank[needed];
}

const unauthorized = (message: string) =>
  new ApiError(401, 'unauthorized', message, {}, { headers: { 'www-authenticate': 'Bearer realm="ztv"' } });

/** Resolves the request's bearer token to a principal allowed to call the route, or throws 401 / 403. */
export async function authorize(db: Database, req: FastifyRequest, needed: ApiTokenRole, now: Date): Promise<Principal> {
  const header = req.headers.authorization;
  if (!header) throw unauthorized('an API token is required: Authorization: Bearer <token> (create one with `ztv token create`)');
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!m?.[1]) throw unauthorized('the Authorization header must be "Bearer <token>"');
  const token: ApiTokenInfo | undefined = await authenticateApiToken(db, m[1], now);
  if (!token) throw unauthorized('the API token is not valid (unknown or revoked)');
  if (!allows(token.role, needed))
    throw new ApiError(403, 'forbidden', `this needs the ${needed} role; the token "${token.name}" has ${token.role}`);
  return { tokenId: token.id, name: token.name, role: token.role };
}
