import type pg from 'pg';
import type { Transaction } from '@electric-sql/pglite';
import type { Store } from '../client';
import { embeddedDeniedFunctions } from './deny-list';
import { ReadOnlySqlError } from './errors';
import { checkReadOnlySql, type CheckedStatement } from './guard';
import { jsonValue, typeName } from './values';

export interface ReadOnlySqlOptions {
  /** Most rows returned; one more is fetched to tell whether the result was cut. */
  rowLimit: number;
  /** statement_timeout for the query, milliseconds (Postgres only: PGlite does not enforce it, see deny-list.ts). */
  timeoutMs: number;
  /** The role the query runs as (default ztv_reader); the connecting user must be a member of it. */
  role?: string;
}

export interface ReadOnlySqlResult {
  columns: { name: string; type: string }[];
  /** One array per row, values in column order, as JSON (see jsonValue). */
  rows: unknown[][];
  rowCount: number;
  /** More rows than rowLimit matched; only the first rowLimit are here. */
  truncated: boolean;
  elapsedMs: number;
}

interface Session {
  query(text: string, params?: unknown[]): Promise<{ fields: { name: string; dataTypeID: number }[]; rows: unknown[][] }>;
}

const cursorName = 'ztv_readonly_sql';

/**
 * Runs one read-only statement (checkReadOnlySql decides which) on its own connection, inside a READ ONLY
 * transaction that is always rolled back, as `role`, with a statement timeout and a row limit. SELECTs run through a
 * cursor, so only rowLimit + 1 rows are ever produced. Every statement goes over the extended protocol, which takes
 * one statement per message: the server itself refuses a second one, whatever the parser saw.
 */
export async function runReadOnlySql(store: Store, text: string, opts: ReadOnlySqlOptions): Promise<ReadOnlySqlResult> {
  const role = opts.role ?? 'ztv_reader';
  if (!/^[a-z_][a-z0-9_]*$/.test(role)) throw new Error(`invalid role name ${JSON.stringify(role)}`);
  const rowLimit = Math.max(1, Math.trunc(opts.rowLimit));
  const checked = await checkReadOnlySql(text, store.driver === 'pglite' ? { extraDeniedFunctions: embeddedDeniedFunctions } : {});
  const started = performance.now();
  const work = (s: Session) => runChecked(s, checked, { ...opts, role, rowLimit });
  const result = store.driver === 'postgres' ? await onPostgres(store.pool, work, opts) : await onPglite(store.client, work, opts);
  return { ...result, elapsedMs: Math.round(performance.now() - started) };
}

async function runChecked(s: Session, checked: CheckedStatement, opts: Required<ReadOnlySqlOptions>) {
  await s.query(
    `select set_config('statement_timeout', $1, true), set_config('idle_in_transaction_session_timeout', $2, true),
            set_config('standard_conforming_strings', 'on', true)`,
    [String(opts.timeoutMs), String(opts.timeoutMs + 10_000)],
  );
  try {
    await s.query(`set local role ${opts.role}`);
  } catch (err) {
    throw new ReadOnlySqlError('unavailable', `cannot run queries as ${opts.role}: ${(err as Error).message} (see docs/api.md: GRANT ${opts.role} TO the API's database user)`, { sqlState: sqlState(err) ?? '' }, { cause: err });
  }
  let out;
  if (checked.kind === 'select') {
    await s.query(`declare ${cursorName} no scroll cursor for ${checked.text}`);
    out = await s.query(`fetch forward ${opts.rowLimit + 1} from ${cursorName}`);
  } else {
    out = await s.query(checked.text);
  }
  const truncated = out.rows.length > opts.rowLimit;
  const rows = out.rows.slice(0, opts.rowLimit).map((r) => r.map(jsonValue));
  return { columns: out.fields.map((f) => ({ name: f.name, type: typeName(f.dataTypeID) })), rows, rowCount: rows.length, truncated };
}

async function onPostgres<T>(pool: pg.Pool, work: (s: Session) => Promise<T>, opts: ReadOnlySqlOptions): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    throw new ReadOnlySqlError('unavailable', `the database is not reachable: ${(err as Error).message}`, {}, { cause: err });
  }
  let failure: Error | undefined;
  try {
    await client.query('begin read only');
    const session: Session = {
      query: async (text, params = []) => {
        // queryMode 'extended' is in pg but not in its type definitions.
        const config = { text, values: params, rowMode: 'array', queryMode: 'extended' } as pg.QueryArrayConfig;
        const r = await client.query(config);
        return { fields: r.fields, rows: r.rows };
      },
    };
    return await work(session);
  } catch (err) {
    failure = err as Error;
    throw asReadOnlySqlError(err, opts);
  } finally {
    await client.query('rollback').catch((err: Error) => (failure ??= err));
    // A connection that saw an error is closed rather than reused: nothing of this session can leak into another.
    client.release(failure ?? undefined);
  }
}

async function onPglite<T>(
  client: { transaction<R>(fn: (tx: Transaction) => Promise<R>): Promise<R> },
  work: (s: Session) => Promise<T>,
  opts: ReadOnlySqlOptions,
): Promise<T> {
  try {
    return await client.transaction(async (tx) => {
      await tx.exec('set transaction read only');
      const session: Session = {
        query: async (text, params = []) => {
          const r = await tx.query<unknown[]>(text, params, { rowMode: 'array' });
          return { fields: r.fields, rows: r.rows };
        },
      };
      const result = await work(session);
      await tx.rollback();
      return result;
    });
  } catch (err) {
    throw asReadOnlySqlError(err, opts);
  }
}

function asReadOnlySqlError(err: unknown, opts: ReadOnlySqlOptions): ReadOnlySqlError {
  if (err instanceof ReadOnlySqlError) return err;
  const code = sqlState(err);
  const message = (err as Error).message;
  if (code === '57014')
    return new ReadOnlySqlError('timeout', `the query ran longer than the statement timeout of ${opts.timeoutMs} ms and was cancelled`, { sqlState: code }, { cause: err });
  if (code === undefined || code.startsWith('08') || code.startsWith('57P'))
    return new ReadOnlySqlError('unavailable', `the database connection failed: ${message}`, code ? { sqlState: code } : {}, { cause: err });
  return new ReadOnlySqlError('database', message, { sqlState: code }, { cause: err });
}

function sqlState(err: unknown): string | undefined {
  for (let e = err; e instanceof Error; e = e.cause) {
    if ('code' in e && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}
