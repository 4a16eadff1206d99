import { afterAll, beforeAll, inject } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres';
import { openStore, type PostgresStore } from './client';
import { storeContract } from './contract';
import { truncateAll } from './contract/support';

// This file's own database, cloned from the migrated template that the global setup prepared; emptied between tests.
let database: TestDatabase;
let store: PostgresStore;
beforeAll(async () => {
  database = await createTestDatabase(inject('databaseTemplateUrl'));
  store = openStore({ url: database.url, poolSize: 4 });
});
afterAll(async () => {
  await store?.close();
  await database?.drop();
});

storeContract('Postgres', async () => ({ store, dispose: () => truncateAll(store.db) }), { roles: true });
