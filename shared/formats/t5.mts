import { parseText } from './src/index.ts';
const d = Number(process.argv[2]);
const r = parseText('{"a":\n'.repeat(d), { cluster: 'c', observedAt: '2026-01-01T00:00:00Z', format: 'k8s-audit' });
console.log(d, r.events.length, r.errors.map((e) => e.message.slice(0, 150)));
