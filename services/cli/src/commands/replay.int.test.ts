import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { topicNames } from '@ztv/events';
import { readTopic } from '../../../../test/support/kafka-lag';
import type { Io } from '../io';
import { runCli } from '../program';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[];
  }
}

const audit = readFileSync(new URL('../../../../test/e2e/fixtures/audit-eventlist-netpol-delete.json', import.meta.url), 'utf8');

describe('ztv replay --to kafka', () => {
  it('produces the normalized events of a file to their topics, with CloudEvents headers; bad records are reported', async () => {
    const brokers = inject('kafkaBrokers');
    const prefix = `replay-${randomBytes(4).toString('hex')}.`;
    const dir = await mkdtemp(join(tmpdir(), 'ztv-replay-'));
    try {
      const manifest = join(dir, 'ns.yaml');
      await writeFile(manifest, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: payments\n  uid: 11111111-2222-3333-4444-555555555555\n  resourceVersion: "1"\n---\napiVersion: v1\nkind: Node\nmetadata:\n  name: node-a\n  uid: 66666666-2222-3333-4444-555555555555\n  resourceVersion: "7"\n');
      const auditFile = join(dir, 'audit.json');
      await writeFile(auditFile, audit);
      const broken = join(dir, 'broken.jsonl');
      await writeFile(broken, '{"kind":"Event","apiVersion":"audit.k8s.io/v1"\n');

      const out: string[] = [];
      const err: string[] = [];
      const io: Io = { stdout: (l) => out.push(l), stderr: (l) => err.push(l), now: () => new Date(), version: 'test', exitCode: 0 };
      const code = await runCli(['replay', manifest, auditFile, broken, '--to', 'kafka', '--brokers', brokers.join(','), '--topic-prefix', prefix, '--cluster', 'replay-test'], io);
      expect(code).toBe(0);
      expect(out.join('\n')).toMatch(/^6 event\(s\) produced .* from 3 file\(s\); 1 malformed record\(s\)$/);
      expect(err.join('\n')).toMatch(/broken\.jsonl:1:/);

      const topics = topicNames(prefix);
      const resources = await readTopic(brokers, topics.resources, 2);
      expect(resources.map((r) => r.key).sort()).toEqual(['replay-test/_cluster/Namespace/payments', 'replay-test/_cluster/Node/node-a']);
      expect(resources[0]!.headers).toMatchObject({ ce_specversion: '1.0', ce_type: expect.stringMatching(/resource/), 'content-type': 'application/json' });
      // Namespaces and Nodes reach every namespace: the global table has them too, as the collector does.
      const global = await readTopic(brokers, topics.global, 2);
      expect(global.map((r) => r.key).sort()).toEqual(['replay-test/_cluster/Namespace/payments', 'replay-test/_cluster/Node/node-a']);
      const auditRecords = await readTopic(brokers, topics.audit, 4);
      expect(auditRecords).toHaveLength(4);
      expect(JSON.parse(auditRecords[0]!.value)).toMatchObject({ type: 'k8s.audit', cluster: 'replay-test' });

      expect(await runCli(['replay', manifest, '--to', 'stdout'], io)).toBe(2);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
