import { PGlite } from '@electric-sql/pglite';
import { openEmbeddedStore, migrate } from '../src/index';
let t = performance.now();
const s = await openEmbeddedStore(); console.log('open', performance.now() - t); t = performance.now();
await migrate(s); console.log('migrate', performance.now() - t); t = performance.now();
const c = await s.client.clone(); console.log('clone', performance.now() - t); t = performance.now();
await (c as PGlite).close();
await s.client.exec('truncate findings, finding_events, notifications, remediations, silences, api_tokens restart identity cascade'); console.log('truncate', performance.now() - t); t = performance.now();
const s2 = await openEmbeddedStore(); await migrate(s2); console.log('open+migrate 2', performance.now() - t);
