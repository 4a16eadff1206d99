import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { benchInput, loadedEngine, validateEvent } from './engine-stream';
import { countArg } from './args';

/*
 * `npx tsx test/bench/engine-kind-profile.ts <type|kind|all> [<stream events>] [<profile file>]`: engine.process over
 * only the events of one type (flow, k8s.audit, cert) or resource kind (Pod, Deployment, ...) of bench:engine's
 * stream, after the same world was loaded; prints µs per event (parse + validate subtracted, wall clock) and writes
 * a CPU profile of just that loop (default /tmp/engine-kind.cpuprofile, for Chrome DevTools or a script).
 */

const only = process.argv[2] ?? 'flow';
const { state, lines } = benchInput(countArg(1, 'events', 100_000));
const out = process.argv[4] ?? '/tmp/engine-kind.cpuprofile';
const { engine } = loadedEngine(state);

/** What the rule-worker does with a record (as bench:engine measures it). */
const decode = (line: string) => validateEvent(JSON.parse(line));
const selected =
  only === 'all'
    ? lines
    : lines.filter((l) => {
        const e = decode(l);
        return e.type === only || (e.type === 'k8s.resource' && e.data.kind === only);
      });
// Events that change nothing when repeated (flows, audit) are run five times over for a steadier figure.
const passes = only === 'flow' || only === 'k8s.audit' ? 5 : 1;
const perEvent = (fn: (line: string) => void) => {
  const t0 = performance.now();
  for (let i = 0; i < passes; i++) for (const l of selected) fn(l);
  return ((performance.now() - t0) * 1000) / selected.length / passes;
};

const decodeOnly = perEvent(decode);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const withEngine = perEvent((l) => engine.process(decode(l)));
const { profile } = await session.post('Profiler.stop');
writeFileSync(out, JSON.stringify(profile));
console.log(`${only}: ${selected.length} events; decode ${decodeOnly.toFixed(2)} µs, engine.process ${(withEngine - decodeOnly).toFixed(2)} µs each (wall); profile in ${out}`);
