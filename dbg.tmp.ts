import { sharedFixture, startTestCollector } from './services/collector/src/test-support';
import { startPrivateBroker } from './test/support/kafka';
const t0 = Date.now(); const log = (...a: unknown[]) => console.log(((Date.now() - t0) / 1000).toFixed(1), ...a);
const broker = await startPrivateBroker(); log('broker up');
const c = await startTestCollector({ COLLECTOR_AUDIT_WEBHOOK_ENABLED: 'true', COLLECTOR_FLOW_NDJSON_ENABLED: 'true', COLLECTOR_FLOW_WINDOW_SECONDS: '0.5', COLLECTOR_SEND_TIMEOUT_MS: '2000', COLLECTOR_RETRY_AFTER_SECONDS: '2', ZTV_PARTITIONS: '2', LOG_LEVEL: 'warn' }, { kafkaBrokers: broker.brokers });
log('collector up');
const template = JSON.parse(sharedFixture('k8s-audit/audit2rbac-demo.log').split('\n')[0]!);
const flowLines = sharedFixture('hubble/hubble-otel-basic-sample-400-udp-flows.first120.json').split('\n').filter((l) => l.trim());
let n = 0;
const batch = () => JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'EventList', items: Array.from({ length: 25 }, (_, i) => ({ ...template, auditID: `a-${n}-${i}` })) });
const flows = () => flowLines.slice(0, 10).map((l, i) => { const v = JSON.parse(l); return JSON.stringify({ ...v, flow: { ...v.flow, uuid: `o-${n}-${i}` } }); }).join('\n') + '\n';
const post = async (p: string, b: string, ct = 'application/json') => { const s = Date.now(); const r = await c.post(p, b, ct); log('post', p, r.status, Date.now() - s, 'ms'); return r.status; };
await post('/audit/webhook', batch()); await post('/flows/ndjson', flows(), 'application/x-ndjson'); n++;
await broker.stop(); log('broker stopped');
const refused: [string, string, string][] = [];
const end = Date.now() + 30000;
while (Date.now() < end) { const b = batch(); const f = flows(); n++; if ((await post('/audit/webhook', b)) !== 200) refused.push(['/audit/webhook', b, 'application/json']); if ((await post('/flows/ndjson', f, 'application/x-ndjson')) !== 200) refused.push(['/flows/ndjson', f, 'application/x-ndjson']); await new Promise((r) => setTimeout(r, 1000)); }
await broker.start(); log('broker started');
for (const [p, b, ct] of refused) { while ((await post(p, b, ct)) !== 200) await new Promise((r) => setTimeout(r, 2000)); }
log('done');
await c.stop(); await broker.destroy(); log('closed');
