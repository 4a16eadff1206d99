import { hasSqlDetails, parse } from 'libpg-query';
import { isDeniedFunction } from './deny-list';
import { ReadOnlySqlError } from './errors';

/** A statement that passed the checks: the only statement of the text, cut out of it exactly as written. */
export interface CheckedStatement {
  /** 'select' for SELECT / WITH / VALUES / TABLE (run through a cursor, so the row limit holds); 'explain' for EXPLAIN. */
  kind: 'select' | 'explain';
  text: string;
}

export interface CheckOptions {
  /** Function names refused in addition to the deny-list (the embedded store adds pg_sleep). */
  extraDeniedFunctions?: readonly string[];
}

/** Longest query text accepted, in bytes. */
export const maxQueryBytes = 100_000;

const allowed = 'only a single SELECT (or WITH … SELECT, VALUES, TABLE, EXPLAIN) statement is allowed';

/**
 * Parses `text` with Postgres's own parser (libpg-query) and accepts exactly one read-only statement: SELECT, WITH
 * (no data-modifying CTE), VALUES, TABLE, or EXPLAIN of one of them; no SELECT INTO, no FOR UPDATE / SHARE, no
 * function from the deny-list. Throws ReadOnlySqlError ('empty', 'syntax' or 'refused') otherwise.
 *
 * This is the first of three guards; the others are the read-only transaction and the ztv_reader role (runner.ts).
 */
export async function checkReadOnlySql(text: string, opts: CheckOptions = {}): Promise<CheckedStatement> {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > maxQueryBytes)
    throw new ReadOnlySqlError('refused', `the query is longer than ${maxQueryBytes} bytes`);
  if (text.trim() === '') throw new ReadOnlySqlError('empty', 'the query is empty (or only comments)');
  let tree: Awaited<ReturnType<typeof parse>>;
  try {
    tree = await parse(text);
  } catch (err) {
    if (hasSqlDetails(err)) {
      const position = err.sqlDetails?.cursorPosition;
      const at = position !== undefined && position >= 0 ? ` at character ${position + 1}` : '';
      throw new ReadOnlySqlError('syntax', `syntax error${at}: ${err.message}`, { position: position ?? -1 });
    }
    throw new ReadOnlySqlError('syntax', `the query could not be parsed: ${(err as Error).message}`);
  }
  const stmts = tree.stmts ?? [];
  if (stmts.length === 0) throw new ReadOnlySqlError('empty', 'the query is empty (or only comments)');
  if (stmts.length > 1)
    throw new ReadOnlySqlError('refused', `${allowed}; found ${stmts.length} statements`);
  const raw = stmts[0]!;
  const node = (raw.stmt ?? {}) as Record<string, unknown>;
  const [type] = Object.keys(node);
  const extra = opts.extraDeniedFunctions ?? [];

  let kind: CheckedStatement['kind'];
  if (type === 'SelectStmt') {
    kind = 'select';
    inspect(node.SelectStmt, extra);
  } else if (type === 'ExplainStmt') {
    kind = 'explain';
    const inner = ((node.ExplainStmt as { query?: Record<string, unknown> }).query ?? {}) as Record<string, unknown>;
    const [innerType] = Object.keys(inner);
    if (innerType !== 'SelectStmt')
      throw new ReadOnlySqlError('refused', `${allowed}: EXPLAIN of ${statementName(innerType ?? '?')} is not`);
    inspect(inner.SelectStmt, extra);
  } else {
    throw new ReadOnlySqlError('refused', `${allowed}: ${statementName(type ?? '?')} is not`);
  }

  // Locations are byte offsets; stmt_len 0 (or absent) means "to the end".
  const start = raw.stmt_location ?? 0;
  const end = raw.stmt_len ? start + raw.stmt_len : bytes.length;
  return { kind, text: bytes.subarray(start, end).toString('utf8').trim() };
}

/** Walks a statement's whole tree: sub-selects, CTEs, FROM items, expressions. */
function inspect(node: unknown, extra: readonly string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) inspect(item, extra);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key.endsWith('Stmt') && key !== 'SelectStmt')
      throw new ReadOnlySqlError('refused', `${allowed}: ${statementName(key)} (here inside the query) is not`);
    if (key === 'intoClause')
      throw new ReadOnlySqlError('refused', `${allowed}: SELECT … INTO creates a table and is not`);
    if (key === 'lockingClause')
      throw new ReadOnlySqlError('refused', `${allowed}: FOR UPDATE / FOR SHARE locks rows and is not`);
    if (key === 'FuncCall') {
      const name = functionName(value);
      if (name !== undefined && isDeniedFunction(name, extra))
        throw new ReadOnlySqlError('refused', `the function ${name}() is not allowed in read-only queries`);
    }
    inspect(value, extra);
  }
}

function functionName(call: unknown): string | undefined {
  const parts = (call as { funcname?: { String?: { sval?: string } }[] }).funcname ?? [];
  return parts.at(-1)?.String?.sval;
}

const statementNames: Record<string, string> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
  CreateStmt: 'CREATE TABLE',
  CreateTableAsStmt: 'CREATE TABLE AS',
  DropStmt: 'DROP',
  TruncateStmt: 'TRUNCATE',
  GrantStmt: 'GRANT / REVOKE',
  GrantRoleStmt: 'GRANT / REVOKE of a role',
  VariableSetStmt: 'SET / RESET',
  VariableShowStmt: 'SHOW',
  TransactionStmt: 'BEGIN / COMMIT / ROLLBACK',
  CopyStmt: 'COPY',
  DoStmt: 'DO',
  CallStmt: 'CALL',
  ListenStmt: 'LISTEN',
  UnlistenStmt: 'UNLISTEN',
  NotifyStmt: 'NOTIFY',
  PrepareStmt: 'PREPARE',
  ExecuteStmt: 'EXECUTE',
  DeallocateStmt: 'DEALLOCATE',
  DeclareCursorStmt: 'DECLARE',
  FetchStmt: 'FETCH',
  LockStmt: 'LOCK',
  VacuumStmt: 'VACUUM / ANALYZE',
  ExplainStmt: 'EXPLAIN',
};

/** `AlterTableStmt` → `ALTER TABLE`. */
function statementName(type: string): string {
  return (
    statementNames[type] ??
    type
      .replace(/Stmt$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toUpperCase()
  );
}
