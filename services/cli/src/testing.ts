import type { Io } from './io';
import { runCli } from './program';

/** Runs `ztv <argv>` in-process with captured output. */
export async function ztv(argv: string[], now = new Date('2026-11-26T12:00:00Z')): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { stdout: (l) => out.push(l), stderr: (l) => err.push(l), now: () => now, version: 'test', exitCode: 0 };
  const code = await runCli(argv, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}
