import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/**
 * `column = any($1::text[])`: one array parameter however many values, where `inArray` would bind one parameter per
 * value (and hit Postgres's 65,535-parameter limit on a big batch).
 */
export function anyText(column: AnyColumn, values: readonly string[]): SQL {
  return sql`${column} = any(${sql.param([...values])}::text[])`;
}

/** Splits `items` into slices of at most `size` (for multi-row statements under the parameter limit). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
