import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Store } from './client';

/** The repository's migrations/ folder, found from this file so the working directory does not matter. */
export const migrationsFolder = fileURLToPath(new URL('../../../migrations', import.meta.url));

// pg_advisory_lock key for migrations: any constant; this is "ztv" + "migrate" folded into an int4.
const migrationLockKey = 0x7a74_766d;

/**
 * Applies every migration in migrations/ that the database has not seen yet (drizzle's migrator; its bookkeeping is in
 * the `drizzle` schema). On Postgres, concurrent callers (two `ztv migrate` jobs, a rolling deploy) are serialised by
 * an advisory lock held on the same connection that runs the migrations.
 */
export async function migrate(store: Store): Promise<void> {
  if (store.driver === 'pglite') {
    await migratePglite(store.db, { migrationsFolder });
    return;
  }
  const client = await store.pool.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [migrationLockKey]);
    await migratePg(drizzlePg(client), { migrationsFolder });
    await client.query('select pg_advisory_unlock($1)', [migrationLockKey]);
    client.release();
  } catch (err) {
    // Destroying the connection also drops the advisory lock.
    client.release(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
}
