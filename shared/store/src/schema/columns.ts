import { check, text, timestamp } from 'drizzle-orm/pg-core';
import { sql, type AnyColumn } from 'drizzle-orm';
import { newId, type IdKind } from '../ids';

/** Primary key `<prefix>_<ulid>` minted in the process, so a batch insert knows its ids before the round trip. */
export const prefixedId = (kind: IdKind) =>
  text('id')
    .primaryKey()
    .$defaultFn(() => newId(kind));

/** Every timestamp is timestamptz, read and written as a Date (millisecond precision on the way in). */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const createdAt = () => timestamptz('created_at').notNull().defaultNow();
export const updatedAt = () => timestamptz('updated_at').notNull().defaultNow();

/** `CHECK (column IN (...))` for a text column that holds one of a closed set of values (see enums.ts). */
export function oneOf(name: string, column: AnyColumn, values: readonly string[]) {
  // The values are compile-time constants from enums.ts, never input, so inlining them as literals is safe; it keeps
  // the constraint readable in the generated migration.
  const list = values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ');
  return check(name, sql`${column} in (${sql.raw(list)})`);
}
