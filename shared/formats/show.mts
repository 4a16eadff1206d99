import { readFileSync } from 'node:fs';
import { parseText } from './src/index.ts';
const [f, n = '2', fmt] = process.argv.slice(2);
const r = parseText(readFileSync('/work/shared/fixtures/' + f, 'utf8'), { cluster: 'c1', file: f, observedAt: '2026-03-14T09:30:00Z', ...(fmt ? { format: fmt as never } : {}) });
for (const e of r.events.slice(0, Number(n))) console.log(JSON.stringify(e, null, 1).slice(0, 3000));
for (const e of r.errors) console.log(e);
