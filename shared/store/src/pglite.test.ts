import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbeddedStore, type EmbeddedStore } from './client';
import { storeContract } from './contract';
import { counts, opts, signal, truncateAll } from './contract/support';
import { applySignals } from './findings/apply-signals';
import { migrate } from './migrate';

// One in-memory database for the file, emptied after each test: opening and migrating PGlite costs about a second
// (many more on a busy two-core machine, hence the generous hook timeout), truncating a few milliseconds.
const bootTimeout = 60_000;
let store: EmbeddedStore;
beforeAll(async () => {
  store = await openEmbeddedStore();
  await migrate(store);
}, bootTimeout);
afterAll(async () => {
  await store.close();
});

storeContract('PGlite', async () => ({ store, dispose: () => truncateAll(store.db) }), { roles: true });

describe('embedded store on disk', () => {
  it(
    'keeps findings across a restart, and migrating again changes nothing',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'ztv-store-'));
      try {
        const dataDir = join(dir, '.ztv', 'pglite');
        const first = await openEmbeddedStore({ dataDir });
        await migrate(first);
        await applySignals(first.db, [signal({ event: 'e1' })], opts(0));
        await first.close();

        const second = await openEmbeddedStore({ dataDir });
        await migrate(second);
        expect(await counts(second.db)).toEqual({ findings: 1, events: 1 });
        await second.close();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    2 * bootTimeout,
  );
});
