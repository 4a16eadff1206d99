import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = resolve(import.meta.dirname, '../..');

/**
 * The README's first command, as a newcomer runs it: `npm start` with nothing else running and no cluster. It must
 * print the dashboard URL and an admin token, show a finding through the API within seconds (the demo story), and
 * stop cleanly on Ctrl-C.
 */
describe('npm start (embedded, demo)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ztv-npm-start-'));
  let child: ChildProcess | undefined;
  let output = '';

  afterAll(() => {
    try {
      if (child?.pid) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the first finding through the API within seconds, then stops cleanly on SIGINT', async () => {
    child = spawn('npm', ['start', '--', '--demo-duration', '20'], {
      cwd: repo,
      detached: true, // its own process group, so SIGINT reaches npm and node as Ctrl-C would
      env: { ...process.env, ZTV_DATA_DIR: dataDir, API_PORT: '0', API_HOST: '127.0.0.1', COLLECTOR_PORT: '0', COLLECTOR_HOST: '127.0.0.1', HOME: dataDir, KUBECONFIG: '', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));

    // The banner ends with "stop with Ctrl-C", printed once everything above it (the demo line too) is.
    await expect
      .poll(() => (/stop with Ctrl-C/.test(output) ? 'ready' : child?.exitCode !== null ? `exited: ${output}` : undefined), { timeout: 90_000, interval: 250 })
      .toBe('ready');
    const dashboard = /dashboard:\s+(\S+?)\/?\s/.exec(output)![1]!;
    const token = /admin token \(shown once\): (\S+)/.exec(output)?.[1];
    expect(token).toMatch(/^ztv_/);
    expect(output).toMatch(/demo: replaying an hour/);

    const first = async () => {
      const res = await fetch(`${dashboard}/api/v1/findings?limit=5`, { headers: { authorization: `Bearer ${token}` } });
      if (res.status !== 200) return 0;
      return ((await res.json()) as { items: unknown[] }).items.length;
    };
    await expect.poll(first, { timeout: 30_000, interval: 500 }).toBeGreaterThan(0);
    // The dashboard itself is served too.
    expect((await fetch(`${dashboard}/`)).status).toBe(200);
    // Without a token the API refuses.
    expect((await fetch(`${dashboard}/api/v1/findings`)).status).toBe(401);

    // 'close' fires once every process holding the pipes (npm and the node it started) has exited.
    const closed = new Promise<string>((r) => child!.once('close', (code, signal) => r(`${code ?? signal}`)));
    process.kill(-child.pid!, 'SIGINT');
    const how = await Promise.race([closed, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000))]);
    // npm re-raises the SIGINT it got (as a shell would); ztv itself shut down in order and exited 0.
    expect(['0', 'SIGINT'], output.slice(-2000)).toContain(how);
    expect(output).toMatch(/ztv stopped\./);
    expect(output).not.toMatch(/close failed|shutdown timed out/);
  });
});
