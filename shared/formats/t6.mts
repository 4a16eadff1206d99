import { parseAllDocuments, LineCounter } from 'yaml';
const d = Number(process.argv[2]);
const s = '{"a":\n'.repeat(d);
for (const doc of parseAllDocuments(s, { lineCounter: new LineCounter(), prettyErrors: false })) console.log(doc.errors.map(e => e.message.slice(0, 100)));
