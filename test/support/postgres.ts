import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import pg from 'pg';
import { migrate, openStore } from '@ztv/store';

const run = promisify(execFile);

declare module 'vitest' {
  // Also declared by global-setup.ts, which provides it; repeated here so that a test importing createTestDatabase
  // gets a typed inject('databaseTemplateUrl') without pulling in the whole global setup.
  export interface ProvidedContext {
    databaseTemplateUrl: string;
  }
}

export interface PostgresHandle {
  /** URL of a database with every migration applied; clone it with createTestDatabase. */
  templateUrl: string;
  /** Drops the template database. */
  drop(): Promise<void>;
}

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

const defaultUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
const startCommand = 'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start';
// Test databases are named ztv_test_<base36 seconds>_<random>; ones older than this are leftovers of killed runs.
const staleAfterSeconds = 24 * 3600;

/**
 * Finds (or starts) PostgreSQL, creates a fresh database for this run and migrates it through @ztv/store. Test files
 * clone it with createTestDatabase, so each gets its own database in a fraction of a second.
 */
export async function preparePostgres(): Promise<PostgresHandle> {
  const baseUrl = process.env.DATABASE_URL ?? defaultUrl;
  await ensureReachable(baseUrl);
  await dropStaleDatabases(baseUrl);

  const name = databaseName();
  await admin(baseUrl, (c) => c.query(`create database ${quoteIdent(name)}`));
  const templateUrl = withDatabase(baseUrl, name);
  try {
    const store = openStore({ url: templateUrl, poolSize: 2 });
    try {
      await migrate(store);
    } finally {
      // CREATE DATABASE … TEMPLATE refuses a template that has open connections.
      await store.close();
    }
    // A test that connected to the template by mistake would make every later clone fail: refuse connections.
    await admin(baseUrl, (c) => c.query(`alter database ${quoteIdent(name)} allow_connections false`));
  } catch (err) {
    await dropDatabase(baseUrl, name);
    throw err;
  }
  return { templateUrl, drop: () => dropDatabase(baseUrl, name) };
}

/** A new database cloned from the migrated template (the template must have no open connections). */
export async function createTestDatabase(templateUrl: string): Promise<TestDatabase> {
  const template = new URL(templateUrl).pathname.slice(1);
  const name = databaseName();
  await admin(templateUrl, async (c) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await c.query(`create database ${quoteIdent(name)} template ${quoteIdent(template)}`);
        return;
      } catch (err) {
        // 55006 object_in_use: another session (an autovacuum worker, a clone that has not let go yet) is connected
        // to the template; Postgres gives up after 5 s, we try again a few times.
        if (sqlState(err) !== '55006' || attempt >= 5) throw err;
        await sleep(200 * attempt);
      }
    }
  });
  return { url: withDatabase(templateUrl, name), drop: () => dropDatabase(templateUrl, name) };
}

// Only the server and credentials of DATABASE_URL matter: everything runs against the maintenance database `postgres`
// and the databases created here, so a DATABASE_URL naming a development database never touches it.
async function ensureReachable(url: string): Promise<void> {
  if (await reachable(url)) return;
  const host = new URL(url).hostname;
  if (['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    const version = await localClusterVersion();
    if (version) {
      await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start']).catch(
        () => undefined,
      );
      for (let i = 0; i < 30; i++) {
        if (await reachable(url)) return;
        await sleep(500);
      }
    }
  }
  throw new Error(
    `PostgreSQL is not reachable at ${redact(url)}: start it with \`${startCommand}\` or set DATABASE_URL`,
  );
}

async function reachable(url: string): Promise<boolean> {
  const client = new pg.Client({
    connectionString: withDatabase(url, 'postgres'),
    connectionTimeoutMillis: 2_000,
  });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** The installed cluster version when there is exactly one (Debian's /etc/postgresql/<version>/main). */
async function localClusterVersion(): Promise<string | undefined> {
  const entries = await readdir('/etc/postgresql').catch(() => []);
  return entries.length === 1 ? entries[0] : undefined;
}

async function dropStaleDatabases(url: string): Promise<void> {
  const { rows } = await admin(url, (c) =>
    c.query<{ datname: string }>(`select datname from pg_database where datname like 'ztv\\_test\\_%'`),
  );
  const now = Math.floor(Date.now() / 1000);
  for (const { datname } of rows) {
    const created = Number.parseInt(datname.split('_')[2] ?? '', 36);
    if (Number.isFinite(created) && now - created > staleAfterSeconds)
      await dropDatabase(url, datname).catch(() => undefined);
  }
}

async function dropDatabase(url: string, name: string): Promise<void> {
  await admin(url, (c) => c.query(`drop database if exists ${quoteIdent(name)} with (force)`));
}

/** Runs `work` on a connection to the server's maintenance database (never the one being created or dropped). */
async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function databaseName(): string {
  return `ztv_test_${Math.floor(Date.now() / 1000).toString(36)}_${randomBytes(5).toString('hex')}`;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Names are generated here (letters, digits, underscores), never taken from input; quoted all the same. */
function quoteIdent(name: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unexpected database name ${JSON.stringify(name)}`);
  return `"${name}"`;
}

function sqlState(err: unknown): string | undefined {
  return err instanceof Error && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

function redact(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}
