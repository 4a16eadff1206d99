import { ztvEvent } from '@ztv/events';
import { baselineRules, defaultRulesConfig, RuleEngine } from '@ztv/rules';
import { buildStream } from './engine-stream';
import { buildWorld, prng, T0 } from './engine-world';
const rand = prng(0x2e7a11);
const { world, state } = buildWorld(rand, 500, 40, 8);
const { lines } = buildStream(rand, world, 100000);
const now = new Date(T0 + 60_000);
const engine = new RuleEngine({ rules: baselineRules, config: defaultRulesConfig(), cluster: 'bench', clock: () => now });
for (const e of state) engine.load(e);
const flows = lines.filter((l) => l.includes('"type":"flow"'));
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };
for (let rep = 0; rep < 3; rep++) {
  let t = cpu(); let n = 0;
  for (const l of flows) { const e = JSON.parse(l); if (e.data.source.pod) n++; }
  const parse = cpu() - t;
  t = cpu();
  for (const l of flows) { const e = JSON.parse(l); if (engine.state.resources.get('Pod', e.data.source.namespace, e.data.source.pod)) n++; }
  const get = cpu() - t - parse;
  t = cpu();
  for (const l of flows) { const e = JSON.parse(l); if (engine.state.resources.get('Pod', e.data.source.namespace, e.data.source.pod)?.spec?.serviceAccountName) n++; }
  const getSa = cpu() - t - parse;
  console.log(`parse ${(parse / flows.length).toFixed(3)} get ${(get / flows.length).toFixed(3)} get+sa ${(getSa / flows.length).toFixed(3)} µs`);
}
