import { createServer } from 'node:http';
const s = createServer((req, res) => { let b=''; req.on('data', c => b+=c); req.on('end', () => {
  try { const j = JSON.parse(b); for (const rs of j.resourceSpans ?? []) for (const ss of rs.scopeSpans ?? []) for (const sp of ss.spans ?? []) console.log(req.url, ss.scope.name, '|', sp.name, sp.kind, sp.traceId, sp.spanId, sp.parentSpanId); } catch (e) { console.log(req.url, 'non-json', req.headers['content-type'], b.length); }
  res.writeHead(200, {'content-type':'application/json'}); res.end('{}'); }); });
s.listen(14318, '127.0.0.1', () => console.log('otlp on 14318'));
