import { pgTable, text } from 'drizzle-orm/pg-core';
import { createdAt, oneOf, prefixedId, timestamptz } from './columns';
import { apiTokenRoles, type ApiTokenRole } from './enums';

/** API bearer tokens. Only the SHA-256 of a token is stored; the ztv_reader role cannot read this table at all. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: prefixedId('apiToken'),
    name: text('name').notNull(),
    role: text('role').$type<ApiTokenRole>().notNull(),
    /** Hex SHA-256 of the token. */
    tokenHash: text('token_hash').notNull().unique(),
    createdAt: createdAt(),
    lastUsedAt: timestamptz('last_used_at'),
    revokedAt: timestamptz('revoked_at'),
  },
  (t) => [oneOf('api_tokens_role_check', t.role, apiTokenRoles)],
);

export type ApiToken = typeof apiTokens.$inferSelect;
export type NewApiToken = typeof apiTokens.$inferInsert;
