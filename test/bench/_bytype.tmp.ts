import { ztvEvent } from '@ztv/events';
import { baselineRules, defaultRulesConfig, RuleEngine } from '@ztv/rules';
import { buildStream } from './engine-stream';
import { buildWorld, prng, T0 } from './engine-world';
const rand = prng(0x2e7a11);
const { world, state } = buildWorld(rand, 500, 40, 8);
const { lines } = buildStream(rand, world, 40000);
const now = new Date(T0 + 60_000);
const engine = new RuleEngine({ rules: baselineRules, config: defaultRulesConfig(), cluster: 'bench', clock: () => now });
for (const e of state) engine.load(e);
engine.evaluateAll({ id: 'x', type: 'tick', time: now.toISOString() });
const evs = lines.map((l) => ztvEvent.parse(JSON.parse(l)));
const groups = new Map<string, typeof evs>();
for (const e of evs) { const k = e.type === 'k8s.resource' ? `res:${e.data.kind}` : e.type; groups.set(k, [...(groups.get(k) ?? []), e]); }
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
let total = 0;
for (const [k, es] of groups) {
  const t = cpu();
  for (const e of es) engine.process(e);
  const d = cpu() - t; total += d;
  console.log(k.padEnd(20), String(es.length).padStart(6), `${d.toFixed(0)}ms`.padStart(8), `${((d * 1000) / es.length).toFixed(1)}µs/ev`.padStart(12), `avg contrib ${((d * 1000) / evs.length).toFixed(2)}µs`);
}
console.log('total µs/event', ((total * 1000) / evs.length).toFixed(2));
