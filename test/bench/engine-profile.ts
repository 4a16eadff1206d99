import { parseZtvEvent, type ZtvEvent } from '@ztv/events';
import { baselineRules, type EventRule, type Rule, type StateRule } from '@ztv/rules';
import { benchInput, loadedEngine } from './engine-stream';
import { countArg } from './args';

/*
 * `npx tsx test/bench/engine-profile.ts [<events>]`: where engine.process spends its time, per event type and per
 * rule, over the same world and stream as bench:engine (same seed). CPU time (process.cpuUsage) around each rule call, so
 * the absolute numbers include the timer's own cost (≈0.3 µs a reading); use bench:engine for the throughput that counts.
 */

/** This process's CPU time in ns (user + system): on a shared machine the wall clock counts the neighbours. */
const cpuNs = () => {
  const u = process.cpuUsage();
  return BigInt(u.user + u.system) * 1000n;
};

const us = (ns: bigint, n: number) => Number((Number(ns) / 1000 / n).toFixed(2));

const EVENTS = countArg(0, 'events', 100_000);
/** `--by-type [--only=<type>]`: engine.process alone over each event type in turn, no per-rule timers. `--warm`: after a warm-up pass. */
const BY_TYPE = process.argv.includes('--by-type');
/** `--plain`: no timers, only validate + process (for `node --cpu-prof`, whose samples then show the engine alone). */
const PLAIN = process.argv.includes('--plain');
const { state, lines } = benchInput(EVENTS);

/** `type` or, for resources, `k8s.resource <Kind> <op>`: what a row of the table is about. */
const eventKey = (e: ZtvEvent) => (e.type === 'k8s.resource' ? `resource ${e.data.kind} ${e.data.op}` : e.type);

let current = '';
const ruleTime = new Map<string, Map<string, { ns: bigint; calls: number }>>();
function charge(rule: string, t0: bigint): void {
  const dt = cpuNs() - t0;
  let byEvent = ruleTime.get(rule);
  if (!byEvent) ruleTime.set(rule, (byEvent = new Map()));
  const c = byEvent.get(current) ?? { ns: 0n, calls: 0 };
  c.ns += dt;
  c.calls++;
  byEvent.set(current, c);
}

/** The rule with each of its functions timed and charged to the rule under the current event's key. */
function timed(rule: Rule): Rule {
  if (rule.kind === 'event') {
    return { ...rule, check: (e: Parameters<EventRule['check']>[0], ctx: Parameters<EventRule['check']>[1]) => { const t0 = cpuNs(); try { return rule.check(e, ctx); } finally { charge(rule.id, t0); } } };
  }
  return {
    ...rule,
    scopesFor: (e: Parameters<StateRule['scopesFor']>[0], ctx: Parameters<StateRule['scopesFor']>[1]) => { const t0 = cpuNs(); try { return rule.scopesFor(e, ctx); } finally { charge(rule.id, t0); } },
    check: (s: string, ctx: Parameters<StateRule['check']>[1]) => { const t0 = cpuNs(); try { return rule.check(s, ctx); } finally { charge(rule.id, t0); } },
  };
}

if (process.argv.includes('--warm')) {
  // Compile the engine's code first (as bench:engine's warm-up runs do), on an engine thrown away afterwards.
  const { engine: warm } = loadedEngine(state);
  for (const line of lines) warm.process(parseZtvEvent(JSON.parse(line)));
}
const { engine } = loadedEngine(state, undefined, PLAIN || BY_TYPE ? baselineRules : baselineRules.map(timed));
ruleTime.clear();

if (process.argv.includes('--per-event')) {
  // engine.process timed per event (wall clock, hrtime), in stream order: where the mean comes from.
  const times = new Map<string, number[]>();
  for (const line of lines) {
    const e = parseZtvEvent(JSON.parse(line));
    const k = e.type === 'k8s.resource' ? `resource ${e.data.kind} ${e.data.op}` : e.type;
    const t0 = process.hrtime.bigint();
    engine.process(e);
    const dt = Number(process.hrtime.bigint() - t0) / 1000;
    const xs = times.get(k);
    if (xs) xs.push(dt);
    else times.set(k, [dt]);
  }
  const q = (xs: number[], p: number) => Number((xs[Math.min(xs.length - 1, Math.floor(p * xs.length))] as number).toFixed(1));
  console.table(
    [...times].map(([k, xs]) => {
      xs.sort((a, b) => a - b);
      const sum = xs.reduce((a, b) => a + b, 0);
      return { event: k, count: xs.length, mean: Number((sum / xs.length).toFixed(1)), p50: q(xs, 0.5), p90: q(xs, 0.9), p99: q(xs, 0.99), max: q(xs, 1), 'µs per average event': Number((sum / lines.length).toFixed(2)) };
    }),
  );
  process.exit(0);
}

if (BY_TYPE) {
  // Per type: (parse + validate + process) − (parse + validate) over the same lines, so each event is processed
  // right after it was parsed, as in the bench (parsing everything first would leave the events cold in the cache).
  const groups = new Map<string, string[]>();
  for (const line of lines) {
    const e = parseZtvEvent(JSON.parse(line));
    const k = e.type === 'k8s.resource' ? `resource ${e.data.kind}` : e.type;
    const group = groups.get(k);
    if (group) group.push(line);
    else groups.set(k, [line]);
  }
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  const rows = [...groups].filter(([k]) => !only || k === only).map(([k, group]) => {
    let t0 = cpuNs();
    for (const line of group) parseZtvEvent(JSON.parse(line));
    const decode = cpuNs() - t0;
    t0 = cpuNs();
    for (const line of group) engine.process(parseZtvEvent(JSON.parse(line)));
    const ns = cpuNs() - t0 - decode;
    return { event: k, count: group.length, 'µs each': us(ns, group.length), 'µs per average event': us(ns, lines.length) };
  });
  console.table(rows);
  console.log(`engine.process: ${rows.reduce((s, r) => s + r['µs per average event'], 0).toFixed(2)} µs per average event (CPU; types run one after another)`);
  process.exit(0);
}

/** The bench's measured loop, named so a profile can be focused on it. */
function measuredLoop(): void {
  for (const line of lines) engine.process(parseZtvEvent(JSON.parse(line)));
}

if (PLAIN) {
  const t0 = cpuNs();
  measuredLoop();
  console.log(`parse + validate + process: ${us(cpuNs() - t0, lines.length)} µs per event (CPU)`);
  process.exit(0);
}

const applyOf = engine.state.apply.bind(engine.state);
let applyNs = 0n;
engine.state.apply = (e, c) => { const t0 = cpuNs(); applyOf(e, c); applyNs += cpuNs() - t0; };

const byEvent = new Map<string, { n: number; validate: bigint; process: bigint; apply: bigint }>();
for (const line of lines) {
  const json: unknown = JSON.parse(line);
  const t0 = cpuNs();
  const event = parseZtvEvent(json);
  const t1 = cpuNs();
  current = eventKey(event);
  const a0 = applyNs;
  engine.process(event);
  const t2 = cpuNs();
  const row = byEvent.get(current) ?? { n: 0, validate: 0n, process: 0n, apply: 0n };
  row.n++;
  row.validate += t1 - t0;
  row.process += t2 - t1;
  row.apply += applyNs - a0;
  byEvent.set(current, row);
}

const total = lines.length;
const eventRows = [...byEvent].sort((a, b) => Number(b[1].process - a[1].process)).map(([k, r]) => ({
  event: k,
  count: r.n,
  'validate µs': us(r.validate, r.n),
  'process µs': us(r.process, r.n),
  'apply µs': us(r.apply, r.n),
  'share of all process time %': Number(((Number(r.process) / Number([...byEvent.values()].reduce((s, x) => s + x.process, 0n))) * 100).toFixed(1)),
  'µs per average event': us(r.process, total),
}));
console.table(eventRows);

// What one timed call costs by itself (two CPU readings and the bookkeeping), taken off every call below.
const overheadNs = (() => {
  const saved = current;
  current = '(calibration)';
  const n = 20_000;
  const t0 = cpuNs();
  for (let i = 0; i < n; i++) charge('(calibration)', cpuNs());
  const per = (cpuNs() - t0) / BigInt(n);
  ruleTime.delete('(calibration)');
  current = saved;
  return per;
})();
const net = (c: { ns: bigint; calls: number }) => (c.ns > overheadNs * BigInt(c.calls) ? c.ns - overheadNs * BigInt(c.calls) : 0n);
const ruleRows = [...ruleTime].map(([id, m]) => {
  const ns = [...m.values()].reduce((s, c) => s + net(c), 0n);
  const worst = [...m].sort((a, b) => Number(net(b[1]) - net(a[1])))[0];
  return {
    rule: id,
    'µs per average event': us(ns, total),
    'worst event type': worst?.[0],
    'µs per such event': worst ? us(net(worst[1]), byEvent.get(worst[0])?.n ?? 1) : 0,
  };
}).sort((a, b) => b['µs per average event'] - a['µs per average event']);
console.log(`per rule, net of the timers' own cost (${us(overheadNs, 1)} µs a call):`);
console.table(ruleRows);
const all = [...byEvent.values()];
console.log(`average: validate ${us(all.reduce((s, r) => s + r.validate, 0n), total)} µs, process ${us(all.reduce((s, r) => s + r.process, 0n), total)} µs, apply ${us(all.reduce((s, r) => s + r.apply, 0n), total)} µs per event (CPU, with timers)`);
if (process.argv.includes('--calls')) {
  for (const k of ['resource Pod upsert', 'resource Pod delete', 'resource Deployment upsert', 'resource NetworkPolicy upsert', 'cert', 'flow']) {
    const n = byEvent.get(k)?.n ?? 1;
    const rows = [...ruleTime].map(([id, m]) => ({ rule: id, 'calls per event': Number(((m.get(k)?.calls ?? 0) / n).toFixed(2)), 'µs per event': us(net(m.get(k) ?? { ns: 0n, calls: 0 }), n) })).filter((r) => r['calls per event'] > 0);
    console.log(k);
    console.table(rows.sort((a, b) => b['µs per event'] - a['µs per event']).slice(0, 12));
  }
}
