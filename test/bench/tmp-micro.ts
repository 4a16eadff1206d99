import { parseZtvEvent } from '@ztv/events';
import { baselineRules, defaultRulesConfig, RuleEngine } from '@ztv/rules';
import { buildStream } from './engine-stream';
import { buildWorld, prng, T0 } from './engine-world';
const rand = prng(0x2e7a11);
const { world, state } = buildWorld(rand, 500, 40, 8);
const { lines } = buildStream(rand, world, 100000);
const now = new Date(T0 + 60_000);
const engine = new RuleEngine({ rules: baselineRules, config: defaultRulesConfig(), cluster: 'bench', clock: () => now });
for (const e of state) engine.load(e);
const flows = lines.filter((l) => l.includes('"type":"flow"')).slice(0, 20000).map((l) => parseZtvEvent(JSON.parse(l)));
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };
for (let rep = 0; rep < 3; rep++) {
  let t = cpu();
  for (const e of flows) engine.process(e);
  const all = cpu() - t;
  // the same 200 flows over and over: state lookups hot in cache
  const few = flows.slice(0, 200);
  t = cpu();
  for (let i = 0; i < 100; i++) for (const e of few) engine.process(e);
  const hot = cpu() - t;
  console.log(`distinct flows ${(all / flows.length).toFixed(2)} µs; hot ${(hot / 20000).toFixed(2)} µs`);
}
