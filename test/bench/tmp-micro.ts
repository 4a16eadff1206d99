import { parseZtvEvent } from '@ztv/events';
import { baselineRules, defaultRulesConfig, RuleEngine, type Rule } from '@ztv/rules';
import { buildStream } from './engine-stream';
import { buildWorld, prng, T0 } from './engine-world';
const rand = prng(0x2e7a11);
const { world, state } = buildWorld(rand, 500, 40, 8);
const { lines } = buildStream(rand, world, 100000);
const now = new Date(T0 + 60_000);
const flows = lines.filter((l) => l.includes('"type":"flow"'));
const cpu = () => { const u = process.cpuUsage(); return u.user + u.system; };
const slicesOnly = baselineRules.map((r) => ({ ...r, on: [] })) as Rule[];
const only = (id: string) => [...slicesOnly, ...baselineRules.filter((r) => r.id === id)];
const variants: [string, Rule[]][] = [['none', []], ['slices', slicesOnly], ['mismatch', only('flow-identity-mismatch')], ['plaintext', only('flow-plaintext')], ['metadata', only('flow-metadata-access')], ['burst', only('flow-denied-burst')], ['all', baselineRules]];
const engines = variants.map(([label, rules]) => {
  const e = new RuleEngine({ rules, config: defaultRulesConfig(), cluster: 'bench', clock: () => now });
  for (const s of state) e.load(s);
  return [label, e] as const;
});
const best = new Map<string, number>();
for (let rep = 0; rep < 6; rep++) {
  const t = cpu(); for (const l of flows) parseZtvEvent(JSON.parse(l)); const base = cpu() - t;
  for (const [label, e] of engines) {
    const t1 = cpu(); for (const l of flows) e.process(parseZtvEvent(JSON.parse(l)));
    const v = (cpu() - t1 - base) / flows.length;
    if (rep >= 2) best.set(label, Math.min(best.get(label) ?? Infinity, v));
  }
}
console.log([...best].map(([k, v]) => `${k} ${v.toFixed(2)}`).join(' | '));
