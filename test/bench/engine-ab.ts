import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as Rules from '@ztv/rules';
import * as current from '@ztv/rules';
import { benchInput, loadedEngine, validateEvent as validate } from './engine-stream';
import { countArg } from './args';

/*
 * `npm run bench:engine:ab [-- <git revision> <events> <rounds>]`: the rule engine of another revision (A: its
 * shared/rules/src, default HEAD) against the working tree's (B), over bench:engine's world and stream, in one process,
 * slice by slice in rotating order with parse + validate beside them — the way to tell whether a change to the engine
 * helps. On this shared 2-core machine the same code's speed moves by up to 2× between invocations, so a change of a few
 * percent cannot be seen by running bench:engine before and after; measured side by side, a round's B/A spreads by about
 * ±3%. Prints µs an event of each engine (parse + validate subtracted) per round and their mean; the signal counts
 * of both are printed too (they differ only when the change alters what the rules say).
 */

const REV = process.argv[2] ?? 'HEAD';
const EVENTS = countArg(1, 'events', 100_000);
const ROUNDS = countArg(2, 'rounds', 3);
/** Events per slice: each slice is parsed and validated, then processed by A, then by B, the order rotating. */
const CHUNK = 1_000;

const root = resolve(import.meta.dirname, '../..');
const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
const sha = git('rev-parse', '--verify', `${REV}^{commit}`);

/**
 * The revision's shared/rules/src, extracted once under .cache/ (git-ignored) — inside the repository, so its imports
 * of @ztv/events and of its dependencies resolve to this checkout's node_modules as the working tree's do.
 */
function checkout(rev: string): string {
  const dir = resolve(root, '.cache/engine-ab', rev);
  if (!existsSync(resolve(dir, 'shared/rules/src/index.ts'))) {
    const tmp = `${dir}.tmp`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const tar = execFileSync('git', ['archive', '--format=tar', rev, 'shared/rules/src'], { cwd: root, maxBuffer: 64 << 20 });
    execFileSync('tar', ['-x', '-C', tmp], { input: tar });
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  }
  return resolve(dir, 'shared/rules/src/index.ts');
}

const before = (await import(pathToFileURL(checkout(sha)).href)) as typeof Rules;
const sides: [string, typeof Rules][] = [
  [`A ${REV} (${sha.slice(0, 9)})`, before],
  ['B working tree', current],
];

const { state, lines } = benchInput(EVENTS);
const cpuNow = () => {
  const u = process.cpuUsage();
  return u.user + u.system; // µs
};

console.log(`${sides.map(([name]) => name).join(' vs ')}: ${lines.length} events, ${ROUNDS} rounds after a warm-up round (CPU time)`);
const total = [0, 0];
for (let round = 0; round <= ROUNDS; round++) {
  const engines = sides.map(([, lib]) => loadedEngine(state, lib).engine);
  const spent = [0, 0, 0]; // parse + validate, A, B
  const signals = [0, 0];
  for (let from = 0, slice = 0; from < lines.length; from += CHUNK, slice++) {
    const chunk = lines.slice(from, from + CHUNK);
    const measures = [
      () => {
        for (const l of chunk) validate(JSON.parse(l));
      },
      ...engines.map((engine, i) => () => {
        for (const l of chunk) signals[i] = (signals[i] as number) + engine.process(validate(JSON.parse(l))).signals.length;
      }),
    ];
    for (let k = 0; k < measures.length; k++) {
      const m = (k + slice) % measures.length;
      const t0 = cpuNow();
      (measures[m] as () => void)();
      spent[m] = (spent[m] as number) + cpuNow() - t0;
    }
  }
  const base = (spent[0] as number) / lines.length;
  const [a, b] = [(spent[1] as number) / lines.length - base, (spent[2] as number) / lines.length - base];
  if (round > 0) {
    total[0] = (total[0] as number) + a;
    total[1] = (total[1] as number) + b;
  }
  console.log(
    `${round === 0 ? 'warm-up' : `round ${round}`}: parse + validate ${base.toFixed(2)} µs an event; engine A ${a.toFixed(2)}, B ${b.toFixed(2)} (B/A ${(b / a).toFixed(3)}); signals ${signals.join(' / ')}`,
  );
}
const [a, b] = [(total[0] as number) / ROUNDS, (total[1] as number) / ROUNDS];
console.log(`mean of ${ROUNDS} rounds: engine A ${a.toFixed(2)} µs, B ${b.toFixed(2)} µs an event; B/A ${(b / a).toFixed(3)}`);
