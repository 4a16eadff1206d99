import { afterAll, beforeAll } from 'vitest';
import { openEmbeddedStore, type EmbeddedStore } from './client';
import { storeContract } from './contract';
import { truncateAll } from './contract/support';
import { migrate } from './migrate';

// One in-memory database for the file, emptied after each test: opening and migrating PGlite costs about a second,
// truncating a few milliseconds.
let store: EmbeddedStore;
beforeAll(async () => {
  store = await openEmbeddedStore();
  await migrate(store);
});
afterAll(async () => {
  await store.close();
});

storeContract('PGlite', async () => ({ store, dispose: () => truncateAll(store.db) }), { roles: true });
