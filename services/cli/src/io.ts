/** Where a command writes and what it reads of the world: injected so tests run commands in-process. */
export interface Io {
  stdout(line: string): void;
  stderr(line: string): void;
  now(): Date;
  version: string;
  exitCode: number;
}

/** A usage error: exit 2 with the reason on stderr. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function processIo(version: string): Io {
  return {
    stdout: (l) => process.stdout.write(`${l}\n`),
    stderr: (l) => process.stderr.write(`${l}\n`),
    now: () => new Date(),
    version,
    exitCode: 0,
  };
}
