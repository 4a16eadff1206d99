import { parseText } from './src/index.ts';
const n = 40_000;
const nasty: Record<string,string> = {
  quote: '"'.repeat(n), aeq: 'a='.repeat(n), brace: '{'.repeat(n), nest: `${'['.repeat(n)}${']'.repeat(n)}`, sp: `${' '.repeat(n)}x`, hash: '#\n'.repeat(n),
  openobj: '{"a":\n'.repeat(n / 4), begin: '-----BEGIN CERTIFICATE-----\n'.repeat(n / 10), k8s: `k8s:${'a'.repeat(n)}`, time: `time="${'x'.repeat(n)}`,
  ref: 'Reference ID : '.repeat(n / 4), timex: `node_timex_offset_seconds{${'a="b",'.repeat(n / 4)}} 1\n`,
};
const f = process.argv[2] as never;
const row: string[] = [];
for (const [k, s] of Object.entries(nasty)) { process.stderr.write(k + ' '); const t0 = performance.now(); parseText(s, { cluster: 'c', observedAt: '2026-01-01T00:00:00Z', format: f }); const dt = performance.now() - t0; row.push(`${k}=${dt.toFixed(0)}`); }
console.log(String(f).padEnd(18), row.join(' '));
