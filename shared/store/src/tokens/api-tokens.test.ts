import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedStore, type EmbeddedStore } from '../client';
import { migrate } from '../migrate';
import { apiTokens } from '../schema/index';
import { ApiTokenNameTakenError, authenticateApiToken, createApiToken, hashApiToken, listApiTokens, mintApiToken, revokeApiToken } from './api-tokens';

describe('API tokens', () => {
  let store: EmbeddedStore;
  beforeAll(async () => {
    store = await openEmbeddedStore();
    await migrate(store);
  }, 60_000);
  afterAll(() => store.close());

  it('mints ztv_ + 32 random bytes and stores only the SHA-256', async () => {
    expect(mintApiToken()).toMatch(/^ztv_[A-Za-z0-9_-]{43}$/);
    expect(mintApiToken()).not.toBe(mintApiToken());
    const { token, info } = await createApiToken(store.db, { name: 'alice', role: 'operator' });
    expect(info).not.toHaveProperty('tokenHash');
    const [row] = await store.db.select().from(apiTokens);
    expect(row?.tokenHash).toBe(hashApiToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    await expect(createApiToken(store.db, { name: 'alice', role: 'viewer' })).rejects.toBeInstanceOf(ApiTokenNameTakenError);
  });

  it('authenticates live tokens, touches last_used_at at most once a minute, and refuses revoked ones', async () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    const { token, info } = await createApiToken(store.db, { name: 'bob', role: 'viewer', now: t0 });
    expect(await authenticateApiToken(store.db, token, t0)).toMatchObject({ id: info.id, role: 'viewer', lastUsedAt: t0 });
    expect((await authenticateApiToken(store.db, token, new Date(t0.getTime() + 30_000)))?.lastUsedAt).toEqual(t0);
    const later = new Date(t0.getTime() + 61_000);
    expect((await authenticateApiToken(store.db, token, later))?.lastUsedAt).toEqual(later);
    expect(await authenticateApiToken(store.db, `${token}x`)).toBeUndefined();
    expect(await authenticateApiToken(store.db, 'not-even-prefixed')).toBeUndefined();

    expect((await revokeApiToken(store.db, info.id, later))?.revokedAt).toEqual(later);
    expect(await authenticateApiToken(store.db, token)).toBeUndefined();
    expect(await revokeApiToken(store.db, 'tok_missing')).toBeUndefined();
    // A revoked name can be used again.
    expect((await createApiToken(store.db, { name: 'bob', role: 'admin' })).info.role).toBe('admin');
    expect((await listApiTokens(store.db)).map((t) => t.name).sort()).toEqual(['alice', 'bob', 'bob']);
  });
});
