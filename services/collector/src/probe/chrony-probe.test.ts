import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ClockEvent } from '@ztv/events';
import { createLogger } from '@ztv/telemetry';
import { sharedFixturePath, startTestCollector, type TestCollector } from '../test-support';
import { ChronyProbe } from './chrony-probe';

let dir: string;
let c: TestCollector;
let chronyc: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'ztv-probe-'));
  // A stand-in chronyc that prints real `chronyc tracking` output (authored fixture).
  chronyc = join(dir, 'chronyc');
  await writeFile(chronyc, `#!/bin/sh\n[ "$1" = tracking ] || exit 2\ncat '${sharedFixturePath('authored/chronyc-tracking-worker-4.txt')}'\n`);
  await chmod(chronyc, 0o755);
  c = await startTestCollector({ COLLECTOR_CHRONY_ENDPOINT_ENABLED: 'true' });
  await writeFile(join(dir, 'token'), `${c.token}\n`);
});
afterAll(async () => {
  await c?.stop();
  await rm(dir, { recursive: true, force: true });
});

const probe = (extra: Partial<ConstructorParameters<typeof ChronyProbe>[0]> = {}) =>
  new ChronyProbe({ collectorUrl: c.url, node: 'worker-4', tokenFile: join(dir, 'token'), chronycPath: chronyc, intervalMs: 60_000, logger: createLogger({ name: 'probe-test', level: 'silent' }), ...extra });

describe('clock probe', () => {
  it('posts `chronyc tracking` for its node, which lands as a clock reading', async () => {
    expect(await probe().once()).toEqual({ ok: true });
    await vi.waitFor(() => expect(c.values<ClockEvent>(c.topics.clock).find((e) => e.data.node === 'worker-4')).toMatchObject({ data: { method: 'chrony', synchronized: true } }));
  });

  it('reports a collector that refuses it, and a chronyc that fails', async () => {
    expect(await probe({ tokenFile: undefined }).once()).toMatchObject({ ok: false, reason: expect.stringContaining('401') });
    expect(await probe({ chronycPath: join(dir, 'missing') }).once()).toMatchObject({ ok: false, reason: expect.stringContaining('chronyc tracking failed') });
  });
});
