/*
 * The benches' positional arguments (`npm run bench:… -- <a> <b> …`). A bad one stops the bench with a message that
 * names it, instead of running with NaN (no events, no runs) and writing a result file that means nothing.
 */

/** The argument at `position` (0 = the first after the script); flags (`--…`) come after the positions and are not one. */
function positional(position: number): string | undefined {
  const raw = process.argv[2 + position];
  return raw === undefined || raw === '' || raw.startsWith('--') ? undefined : raw;
}

/** Argument `position` as a whole number ≥ `min`, or `fallback` when not given. */
export function countArg(position: number, name: string, fallback: number, min = 1): number {
  const raw = positional(position);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) usage(`${name} must be a whole number ≥ ${min} (got "${raw}")`);
  return n;
}

/** Argument `position` as a number in [0, 1], or `fallback` when not given. */
export function shareArg(position: number, name: string, fallback: number): number {
  const raw = positional(position);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || n > 1) usage(`${name} must be a number from 0 to 1 (got "${raw}")`);
  return n;
}

function usage(problem: string): never {
  process.stderr.write(`${process.argv[1] ?? 'bench'}: ${problem}\n`);
  process.exit(2);
}
