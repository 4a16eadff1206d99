/**
 * Why a read-only query was not answered:
 * - empty / syntax / refused: the text is not one read-only statement (HTTP 400);
 * - timeout: it ran past the statement timeout (HTTP 408);
 * - database: Postgres refused it while running (permission denied, division by zero, ...) (HTTP 400);
 * - unavailable: the database or its ztv_reader role is not usable (HTTP 503).
 */
export type ReadOnlySqlErrorCode = 'empty' | 'syntax' | 'refused' | 'timeout' | 'database' | 'unavailable';

/** A read-only query that was refused or failed; `message` is written for the person who typed the query. */
export class ReadOnlySqlError extends Error {
  readonly retry: boolean;

  constructor(
    readonly code: ReadOnlySqlErrorCode,
    message: string,
    readonly context: { position?: number; sqlState?: string } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ReadOnlySqlError';
    this.retry = code === 'unavailable';
  }
}
