import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseText } from './src/index.ts';
const root = '/work/shared/fixtures';
const walk = (d: string): string[] => readdirSync(d).flatMap((e) => (statSync(join(d, e)).isDirectory() ? walk(join(d, e)) : [join(d, e)]));
const only = process.argv[2];
for (const f of walk(root)) {
  if (f.endsWith('SOURCES.md')) continue;
  if (only && !f.includes(only)) continue;
  if (!only && (f.includes('kyverno') || f.includes('kubescape'))) continue;
  const r = parseText(readFileSync(f, 'utf8'), { cluster: 'c1', file: f.slice(root.length + 1), observedAt: '2026-03-14T09:30:00Z' });
  console.log(`${f.slice(root.length + 1).padEnd(80)} ${String(r.format).padEnd(16)} ev=${r.events.length} err=${r.errors.length} skip=${r.skipped}`);
  for (const e of r.errors.slice(0, 3)) console.log('   ERR', e.message.slice(0, 220));
}
