import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg, type NodePgDatabase } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite, type PgliteDatabase } from 'drizzle-orm/pglite';
import pg from 'pg';
import * as schema from './schema/index';

export type Schema = typeof schema;

/** A drizzle database or transaction over either driver: what every repository function takes. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

/** Production: node-postgres pool against a Postgres server. */
export interface PostgresStore {
  readonly driver: 'postgres';
  readonly db: NodePgDatabase<Schema>;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

/** Embedded mode and unit tests: PGlite (Postgres compiled to WebAssembly) in this process. */
export interface EmbeddedStore {
  readonly driver: 'pglite';
  readonly db: PgliteDatabase<Schema>;
  readonly client: PGlite;
  close(): Promise<void>;
}

export type Store = PostgresStore | EmbeddedStore;

export interface PostgresStoreOptions {
  /** postgres:// connection URL. */
  url: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /**
   * Called when an idle pooled connection fails (server restart, network cut). The pool drops that connection and
   * opens a new one on demand; without a listener node-postgres would crash the process instead.
   */
  onError?: (err: Error) => void;
}

/** Opens a node-postgres pool; nothing connects until the first query. */
export function openStore(opts: PostgresStoreOptions): PostgresStore {
  const pool = new pg.Pool({ connectionString: opts.url, max: opts.poolSize ?? 10, application_name: 'ztv' });
  pool.on('error', opts.onError ?? (() => {}));
  const db = drizzlePg(pool, { schema });
  return { driver: 'postgres', db, pool, close: () => pool.end() };
}

export interface EmbeddedStoreOptions {
  /** Directory PGlite keeps its files in (created with its parents if missing); in memory when omitted. */
  dataDir?: string;
  /** An already open PGlite instance (e.g. a clone of a migrated template in tests) instead of `dataDir`. */
  client?: PGlite;
}

/** Opens (or creates) an embedded PGlite database. */
export async function openEmbeddedStore(opts: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
  // PGlite creates only the last directory of the path; `.ztv/pglite` in a fresh checkout needs its parents too.
  if (opts.dataDir !== undefined && !opts.dataDir.includes('://'))
    await mkdir(opts.dataDir, { recursive: true });
  const client = opts.client ?? (await PGlite.create(opts.dataDir));
  await client.waitReady;
  const db = drizzlePglite(client, { schema });
  return { driver: 'pglite', db, client, close: () => client.close() };
}
