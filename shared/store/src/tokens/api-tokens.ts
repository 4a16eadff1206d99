import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, isNull, lt, or } from 'drizzle-orm';
import type { Database } from '../client';
import { apiTokens, type ApiToken, type ApiTokenRole } from '../schema/index';

/** The prefix every ztv API token starts with, so a leaked one is recognisable (and greppable by secret scanners). */
export const apiTokenPrefix = 'ztv_';

// last_used_at is written at most this often per token: a busy dashboard must not turn every read into a write.
const touchIntervalMs = 60_000;

/** A token as callers may see it: everything but the hash. */
export type ApiTokenInfo = Omit<ApiToken, 'tokenHash'>;

/** A new token: `ztv_` + 32 random bytes, base64url (43 characters). */
export function mintApiToken(): string {
  return `${apiTokenPrefix}${randomBytes(32).toString('base64url')}`;
}

/** Hex SHA-256 of a token: what api_tokens stores. The token has 256 bits of entropy, so no salt or KDF is needed. */
export function hashApiToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A live (not revoked) token with this name already exists. */
export class ApiTokenNameTakenError extends Error {
  readonly retry = false;
  constructor(readonly tokenName: string) {
    super(`a token named "${tokenName}" already exists; revoke it first or choose another name`);
    this.name = 'ApiTokenNameTakenError';
  }
}

export interface CreateApiTokenInput {
  /** Who or what holds it; recorded as the actor of every change made with it. Unique among live tokens. */
  name: string;
  role: ApiTokenRole;
  now?: Date;
}

/** Mints and stores a token. The plaintext is returned once, here, and is never stored. */
export async function createApiToken(
  db: Database,
  input: CreateApiTokenInput,
): Promise<{ token: string; info: ApiTokenInfo }> {
  const [taken] = await db
    .select({ id: apiTokens.id })
    .from(apiTokens)
    .where(and(eq(apiTokens.name, input.name), isNull(apiTokens.revokedAt)));
  if (taken) throw new ApiTokenNameTakenError(input.name);
  const token = mintApiToken();
  const [row] = await db
    .insert(apiTokens)
    .values({
      name: input.name,
      role: input.role,
      tokenHash: hashApiToken(token),
      ...(input.now ? { createdAt: input.now } : {}),
    })
    .returning();
  if (!row) throw new Error('inserting the token returned no row');
  return { token, info: withoutHash(row) };
}

/**
 * The live token a presented bearer token belongs to, or undefined (unknown or revoked). The lookup is by the hash's
 * unique index: what the database compares is a digest, so timing says nothing about the token itself.
 */
export async function authenticateApiToken(
  db: Database,
  token: string,
  now: Date = new Date(),
): Promise<ApiTokenInfo | undefined> {
  if (!token.startsWith(apiTokenPrefix) || token.length > 256) return undefined;
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.tokenHash, hashApiToken(token)));
  if (!row || row.revokedAt !== null) return undefined;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= touchIntervalMs) {
    const stale = new Date(now.getTime() - touchIntervalMs);
    await db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(and(eq(apiTokens.id, row.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, stale))));
    return withoutHash({ ...row, lastUsedAt: now });
  }
  return withoutHash(row);
}

/** Every token, oldest first, without hashes. */
export async function listApiTokens(db: Database): Promise<ApiTokenInfo[]> {
  const rows = await db.select().from(apiTokens).orderBy(asc(apiTokens.createdAt), asc(apiTokens.id));
  return rows.map(withoutHash);
}

/** Revokes a token; returns it, or undefined when there is no such token. Revoking twice keeps the first time. */
export async function revokeApiToken(
  db: Database,
  id: string,
  now: Date = new Date(),
): Promise<ApiTokenInfo | undefined> {
  await db
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)));
  const [row] = await db.select().from(apiTokens).where(eq(apiTokens.id, id));
  return row ? withoutHash(row) : undefined;
}

function withoutHash(row: ApiToken): ApiTokenInfo {
  const { tokenHash: _hash, ...info } = row;
  return info;
}
