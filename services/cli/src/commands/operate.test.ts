import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiServer } from '@ztv/api';
import { envSchema } from '@ztv/config';
import { findingFingerprint, signalIdOf, type Signal } from '@ztv/events';
import { createInProcessJobQueue } from '@ztv/jobs';
import { applySignals, authenticateApiToken, createApiToken, migrate, openEmbeddedStore, updateRemediation, type EmbeddedStore } from '@ztv/store';
import { createLogger } from '@ztv/telemetry';
import type { Io } from '../io';
import { runCli } from '../program';

function captureIo(): Io & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (l) => out.push(l), stderr: (l) => err.push(l), now: () => new Date(), version: 'test', exitCode: 0 };
}

function signal(rule: string, namespace: string, severity: Signal['severity']): Signal {
  const subject = { namespace, kind: 'Namespace', name: namespace };
  const fingerprint = findingFingerprint(rule, 'prod', subject);
  return { signalId: signalIdOf(rule, fingerprint, 'e1', 'firing'), ruleId: rule, transition: 'firing', severity, area: 'network-policy', title: `${rule} in ${namespace}`, message: `namespace ${namespace}: ${rule}`, cluster: 'prod', subject, fingerprint, evidence: { namespace }, eventId: 'e1', eventType: 'k8s.resource', time: new Date().toISOString() };
}

// The CLI against a real API server over the embedded store, in this process.
describe('ztv findings / silence / remediate / sql / rules / token', () => {
  let store: EmbeddedStore;
  let api: ApiServer;
  let jobs: ReturnType<typeof createInProcessJobQueue>;
  let url: string;
  let operator: string;
  let admin: string;
  const cli = async (...argv: string[]) => {
    const io = captureIo();
    const code = await runCli(argv, io);
    return { code, out: io.out.join('\n'), err: io.err.join('\n') };
  };
  const as = (token: string) => ['--api-url', url, '--token', token];
  const findingId = async (namespace: string) => {
    const r = await cli('findings', 'list', '--namespace', namespace, '--output', 'json', ...as(operator));
    return (JSON.parse(r.out) as { id: string }[])[0]!.id;
  };

  beforeAll(async () => {
    store = await openEmbeddedStore();
    await migrate(store);
    await applySignals(store.db, [signal('netpol-default-deny-missing', 'payments', 'high'), signal('netpol-default-deny-missing', 'checkout', 'critical')], { now: new Date(), flapWindowSeconds: 300 });
    operator = (await createApiToken(store.db, { name: 'ops', role: 'operator' })).token;
    admin = (await createApiToken(store.db, { name: 'boss', role: 'admin' })).token;
    jobs = createInProcessJobQueue();
    api = new ApiServer({ env: envSchema.parse({ API_HOST: '127.0.0.1', API_PORT: '0' }), store, jobs, logger: createLogger({ name: 'cli-test', level: 'silent' }) });
    url = await api.start();
  }, 60_000);
  afterAll(async () => {
    await api?.stop();
    await jobs?.close();
    await store?.close();
  });

  it('lists findings as a table and as JSON, and shows one', async () => {
    const table = await cli('findings', 'list', ...as(operator));
    expect(table.code).toBe(0);
    expect(table.out.split('\n')[0]).toMatch(/^ID\s+SEVERITY\s+STATUS\s+RULE/);
    expect(table.out).toMatch(/critical\s+open\s+netpol-default-deny-missing\s+prod\s+namespace\/checkout/);
    const json = await cli('findings', 'list', '--severity', 'high', '-o', 'json', ...as(operator));
    expect(JSON.parse(json.out)).toMatchObject([{ severity: 'high', namespace: 'payments' }]);
    const show = await cli('findings', 'show', await findingId('payments'), ...as(operator));
    expect(show.code).toBe(0);
    expect(show.out).toMatch(/HIGH\s+open\s+netpol-default-deny-missing/);
    expect(show.out).toMatch(/opened\s+by alerter/);
  });

  it('acknowledges and resolves, with clear errors and exit codes', async () => {
    const id = await findingId('payments');
    expect(await cli('findings', 'ack', id, ...as(operator))).toMatchObject({ code: 0, out: `${id} is now acknowledged.` });
    expect(await cli('findings', 'resolve', id, ...as(operator))).toMatchObject({ code: 2, err: expect.stringMatching(/--reason/) });
    expect(await cli('findings', 'resolve', id, '--reason', 'fixed by hand', ...as(operator))).toMatchObject({ code: 0, out: `${id} is now resolved.` });
    expect(await cli('findings', 'ack', id, ...as(operator))).toMatchObject({ code: 1, err: expect.stringMatching(/only an open finding can be acknowledged/) });
    expect(await cli('findings', 'ack', 'fnd_nope', ...as(operator))).toMatchObject({ code: 1, err: 'ztv: finding fnd_nope does not exist' });
    expect(await cli('findings', 'list', ...as('ztv_bogus'))).toMatchObject({ code: 3, err: expect.stringMatching(/not valid/) });
    expect(await cli('findings', 'list', '--api-url', 'http://127.0.0.1:9', '--token', operator)).toMatchObject({ code: 4, err: expect.stringMatching(/cannot reach the API/) });
    expect((await cli('findings', 'show', id, ...as(operator))).out).toMatch(/resolved \(fixed by hand\)\s+by ops/);
  });

  it('adds, lists and removes silences', async () => {
    expect(await cli('silence', 'add', '--match', 'namespace', '--comment', 'x', ...as(operator))).toMatchObject({ code: 2, err: expect.stringMatching(/name=value/) });
    const added = await cli('silence', 'add', '--match', 'namespace=checkout', '--match', 'severity!=info', '--duration', '1h', '--comment', 'maintenance', '-o', 'json', ...as(operator));
    expect(added.code).toBe(0);
    const silence = JSON.parse(added.out) as { id: string; suppressed: number };
    expect(silence.suppressed).toBe(1);
    const listed = await cli('silence', 'list', '--state', 'active', ...as(operator));
    expect(listed.out).toMatch(new RegExp(`${silence.id}\\s+active\\s+namespace=checkout, severity!=info`));
    expect(await cli('silence', 'rm', silence.id, ...as(operator))).toMatchObject({ code: 0, out: `${silence.id} expired; 1 finding(s) open again.` });
    expect((await cli('silence', 'list', '--state', 'active', ...as(operator))).out).toBe('No silences.');
  });

  it('requests a remediation, and approves it only as admin', async () => {
    const id = await findingId('checkout');
    const requested = await cli('remediate', id, '--playbook', 'apply-default-deny', '-o', 'json', ...as(operator));
    expect(requested.code).toBe(0);
    const rem = JSON.parse(requested.out) as { id: string; status: string };
    expect(rem.status).toBe('requested');
    await updateRemediation(store.db, rem.id, { from: ['requested'], status: 'awaiting_approval', diff: { kind: 'NetworkPolicy' } });
    expect(await cli('remediate', rem.id, '--approve', ...as(operator))).toMatchObject({ code: 3, err: expect.stringMatching(/needs the admin role/) });
    expect(await cli('remediate', id, '--approve', ...as(admin))).toMatchObject({ code: 2 });
    expect(await cli('remediate', rem.id, '--approve', ...as(admin))).toMatchObject({ code: 0, out: `${rem.id} apply-default-deny (approve): approved` });
  });

  it('runs read-only SQL and refuses anything else', async () => {
    const ok = await cli('sql', 'select namespace, status from findings order by namespace', ...as(operator));
    expect(ok.code).toBe(0);
    expect(ok.out.split('\n')[0]).toMatch(/^namespace\s+status$/);
    expect(ok.err).toMatch(/2 row\(s\)/);
    expect(JSON.parse((await cli('sql', 'select 1 as one', '-o', 'json', ...as(operator))).out)).toEqual([{ one: 1 }]);
    expect(await cli('sql', 'delete from findings', ...as(operator))).toMatchObject({ code: 1, err: expect.stringMatching(/DELETE is not/) });
    expect(await cli('sql', 'select pg_sleep(10)', ...as(operator))).toMatchObject({ code: 1, err: expect.stringMatching(/pg_sleep/) });
    expect(await cli('sql', 'select * from api_tokens', ...as(operator))).toMatchObject({ code: 1, err: expect.stringMatching(/permission denied/) });
  });

  it('prints the rule catalogue without a server', async () => {
    const table = await cli('rules', '--area', 'mtls');
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/mtls-not-strict\s+\w+\s+mtls\s+enforce-strict-mtls/);
    const json = JSON.parse((await cli('rules', '-o', 'json')).out) as { id: string }[];
    expect(json.length).toBeGreaterThanOrEqual(30);
    expect(await cli('rules', '-o', 'yaml')).toMatchObject({ code: 2 });
  });

  it('documents its exit codes in --help', async () => {
    for (const cmd of ['findings', 'silence', 'remediate', 'sql', 'replay', 'token']) {
      const help = await cli(cmd, '--help');
      expect(help.code).toBe(0);
      expect(help.out, cmd).toMatch(/Exit codes:[\s\S]*3\s+authentication/);
    }
  });

  it('creates a token in the embedded store, printed once and stored hashed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ztv-token-'));
    try {
      const bootstrap = await openEmbeddedStore({ dataDir: join(dir, 'pgdata') });
      await migrate(bootstrap);
      await bootstrap.close();
      expect(await cli('token', 'create', '--role', 'root', '--embedded', '--data-dir', dir)).toMatchObject({ code: 2, err: expect.stringMatching(/--role must be one of viewer, operator, admin/) });
      const created = await cli('token', 'create', '--role', 'operator', '--name', 'alice', '--embedded', '--data-dir', dir);
      expect(created.code).toBe(0);
      expect(created.out).toMatch(/^ztv_[A-Za-z0-9_-]{43}$/);
      expect(created.err).toMatch(/created operator token "alice"/);
      expect(await cli('token', 'create', '--role', 'viewer', '--name', 'alice', '--embedded', '--data-dir', dir)).toMatchObject({ code: 1, err: expect.stringMatching(/already exists/) });
      const reopened = await openEmbeddedStore({ dataDir: join(dir, 'pgdata') });
      try {
        expect(await authenticateApiToken(reopened.db, created.out)).toMatchObject({ name: 'alice', role: 'operator' });
        const { rows } = await reopened.client.query<{ token_hash: string }>('select token_hash from api_tokens');
        expect(rows[0]?.token_hash).toMatch(/^[0-9a-f]{64}$/);
        expect(rows[0]?.token_hash).not.toContain(created.out.slice(4));
      } finally {
        await reopened.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
