import { RuleEngine, baselineRules, defaultRulesConfig } from '@ztv/rules';
import { buildWorld, prng } from '../../../test/bench/engine-world';
const gc = (globalThis as any).gc as () => void;
gc(); const before = process.memoryUsage().heapUsed;
const { state } = buildWorld(prng(7), 500, 40, 8);
const engine = new RuleEngine({ rules: baselineRules, config: defaultRulesConfig(), cluster: 'c' });
for (const e of state) engine.process(e);
gc(); const after = process.memoryUsage();
console.log(JSON.stringify({ events: state.length, heapMiB: ((after.heapUsed - before) / 2 ** 20).toFixed(0), rssMiB: (after.rss / 2 ** 20).toFixed(0) }));
