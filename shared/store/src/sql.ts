import { getTableColumns, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Database } from './client';

/**
 * `column = any($1::text[])`: one array parameter however many values, where `inArray` would bind one parameter per
 * value (and hit Postgres's 65,535-parameter limit on a big batch).
 */
export function anyText(column: AnyColumn, values: readonly string[]): SQL {
  return sql`${column} = any(${sql.param([...values])}::text[])`;
}

/**
 * Rows of `table` as a single jsonb parameter, expanded server-side: a multi-row statement whose text does not grow
 * with the batch. drizzle's multi-row VALUES builder spends ~150 ms composing 1,000 findings (23 columns, 23,000
 * parameters), which alone would cap the alerter below its 10,000 signals/s target.
 *
 * Each row travels as a JSON array of its values in `keys` order (not an object: no key repeated per row, about half
 * the client's serialisation time) and `jsonb_array_elements` plus `->>` / `->` by position turn it back into typed
 * columns. `columns` is the column list for INSERT (and SELECT), `source` the FROM item, aliased `r`. Values are sent as
 * JSON: Dates as ISO strings, jsonb columns as nested JSON, which is what the columns' SQL types parse. Every listed
 * column is written: a value missing from a row is NULL, not the column's default.
 */
export function recordset<T extends PgTable>(
  table: T,
  keys: readonly (keyof T['$inferInsert'] & string)[],
  rows: readonly T['$inferInsert'][],
) {
  const all = getTableColumns(table) as Record<string, AnyColumn & { getSQLType(): string }>;
  const cols = keys.map((key) => {
    const column = all[key];
    if (!column) throw new Error(`${key} is not a column of the table`);
    return { key, name: column.name, type: column.getSQLType() };
  });
  // A batch's rows mostly share a few timestamps (the alerter's `now`), and JSON.stringify's Date#toJSON costs more
  // than the rest of a row: each distinct instant is formatted once.
  const iso = new Map<number, string | null>();
  const json = JSON.stringify(
    rows.map((row) => {
      const values = new Array<unknown>(cols.length);
      for (let i = 0; i < cols.length; i++) {
        const value = (row as Record<string, unknown>)[cols[i]!.key] ?? null;
        if (value instanceof Date) {
          const time = value.getTime();
          let text = iso.get(time);
          // An invalid Date is null, as JSON.stringify would make it.
          if (text === undefined) iso.set(time, (text = Number.isNaN(time) ? null : value.toISOString()));
          values[i] = text;
        } else values[i] = value;
      }
      return values;
    }),
  );
  const columns = sql.join(
    cols.map((c) => sql.identifier(c.name)),
    sql`, `,
  );
  // Column names and SQL types come from the schema, never from input. `->` keeps a JSON null as jsonb 'null', which
  // a jsonb column must store as SQL NULL.
  const fields = sql.join(
    cols.map((c, i) =>
      c.type === 'jsonb'
        ? sql`nullif(e.v -> ${sql.raw(String(i))}, 'null'::jsonb) as ${sql.identifier(c.name)}`
        : sql`(e.v ->> ${sql.raw(String(i))})::${sql.raw(c.type)} as ${sql.identifier(c.name)}`,
    ),
    sql`, `,
  );
  return { columns, source: sql`(select ${fields} from jsonb_array_elements(${json}::jsonb) as e(v)) as r` };
}

/** Rows of a raw statement. Both drivers answer execute() with `{ rows }` (pg's QueryResult, PGlite's Results). */
export async function rowsOf<T>(db: Database, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** Splits `items` into slices of at most `size`. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
