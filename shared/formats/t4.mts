import { parseAllDocuments, LineCounter } from 'yaml';
const [kind, d] = [process.argv[2], Number(process.argv[3])];
let s = '';
if (kind === 'flow') s = '{"a":\n'.repeat(d);
if (kind === 'flowarr') s = 'a: ' + '['.repeat(d);
if (kind === 'flowclosed') s = 'a: ' + '['.repeat(d) + ']'.repeat(d);
if (kind === 'block') s = Array.from({ length: d }, (_, i) => ' '.repeat(i) + 'a:').join('\n');
if (kind === 'seq') s = Array.from({ length: d }, (_, i) => ' '.repeat(i) + '-').join('\n');
const t0 = performance.now();
try {
  for (const doc of parseAllDocuments(s, { lineCounter: new LineCounter(), prettyErrors: false })) { doc.errors.length || doc.toJS({ maxAliasCount: 100 }); }
  console.log(kind, d, 'ok', (performance.now() - t0).toFixed(0));
} catch (e) { console.log(kind, d, 'threw', (e as Error).message.slice(0, 80), (performance.now() - t0).toFixed(0)); }
