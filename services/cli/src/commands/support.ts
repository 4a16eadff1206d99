import type { Command } from 'commander';
import { UsageError, type Io } from '../io';
import { renderTable } from '../output/table';

/** Exit codes of the commands that talk to ztv (findings, silence, remediate, sql, rules, replay, token). */
export const exitCodes = { ok: 0, refused: 1, usage: 2, auth: 3, unavailable: 4 } as const;

export const exitCodesHelp = `
Exit codes:
  0  done
  1  refused or failed: not found, a conflict (e.g. acknowledging a resolved finding), an invalid or refused query
  2  usage error (bad flags or arguments)
  3  authentication or authorization failed (no token, a bad token, or a role that may not do this)
  4  the API, database or Kafka could not be reached, or answered with a server error`;

/** A failure with the exit code it means; the message goes to stderr as "ztv: <message>". */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
  readonly retry: boolean;
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.retry = exitCode === exitCodes.unavailable;
  }
}

/** Runs a command's work; a failure sets the exit code and prints one clear line instead of a stack trace. */
export function action<A extends unknown[]>(io: Io, work: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await work(...args);
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const code = err instanceof CliFailure ? err.exitCode : exitCodes.unavailable;
      io.stderr(`ztv: ${(err as Error).message}`);
      io.exitCode = code;
    }
  };
}

export type OutputFormat = 'table' | 'json';

export function outputFormat(value: string): OutputFormat {
  if (value !== 'table' && value !== 'json') throw new UsageError(`--output must be table or json (got "${value}")`);
  return value;
}

export const addOutputOption = (cmd: Command) => cmd.option('-o, --output <format>', 'table | json', 'table');

/** Prints rows as a table (or "none" text) for people, or `data` as JSON for scripts. */
export function print(io: Io, format: OutputFormat, data: unknown, table: { headers: string[]; rows: string[][]; empty: string; width?: number }): void {
  if (format === 'json') io.stdout(JSON.stringify(data, null, 2));
  else io.stdout(table.rows.length ? renderTable(table.headers, table.rows, table.width ?? 60) : table.empty);
}

export function ago(iso: string | null | undefined, now: Date): string {
  if (!iso) return '-';
  const s = Math.round((now.getTime() - new Date(iso).getTime()) / 1000);
  if (s < 60) return `${Math.max(s, 0)}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86400)}d ago`;
}
