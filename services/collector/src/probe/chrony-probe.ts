import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { Logger } from '@ztv/telemetry';

const run = promisify(execFile);

export interface ChronyProbeOptions {
  /** The collector's base URL. */
  collectorUrl: string;
  node: string;
  tokenFile?: string;
  chronycPath: string;
  intervalMs: number;
  logger: Logger;
  timeoutMs?: number;
}

export type ProbeOutcome = { ok: true } | { ok: false; retryAfterSeconds?: number; reason: string };

/**
 * The optional clock-probe DaemonSet's loop: runs `chronyc tracking` (execFile, fixed arguments, no shell) on the
 * node and POSTs its output to the collector's /clock/chrony with the node's name. A 503 is retried after its
 * Retry-After; anything else waits for the next interval. Nothing here needs privileges beyond chronyd's socket.
 */
export class ChronyProbe {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly opts: ChronyProbeOptions) {}

  start(): void {
    const loop = async (): Promise<void> => {
      if (this.stopped) return;
      const outcome = await this.once();
      if (!outcome.ok) this.opts.logger.warn({ node: this.opts.node, reason: outcome.reason }, 'clock reading not delivered');
      const wait = !outcome.ok && outcome.retryAfterSeconds !== undefined ? outcome.retryAfterSeconds * 1000 : this.opts.intervalMs;
      if (!this.stopped) this.timer = setTimeout(() => void loop(), wait);
    };
    void loop();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** One reading: run chronyc, post it. */
  async once(): Promise<ProbeOutcome> {
    let tracking: string;
    try {
      tracking = (await run(this.opts.chronycPath, ['tracking'], { timeout: 10_000 })).stdout;
    } catch (err) {
      return { ok: false, reason: `chronyc tracking failed: ${(err as Error).message}` };
    }
    const headers: Record<string, string> = { 'content-type': 'text/plain' };
    if (this.opts.tokenFile) headers.authorization = `Bearer ${(await readFile(this.opts.tokenFile, 'utf8')).trim()}`;
    const url = new URL('clock/chrony', this.opts.collectorUrl.endsWith('/') ? this.opts.collectorUrl : `${this.opts.collectorUrl}/`);
    url.searchParams.set('node', this.opts.node);
    try {
      const res = await fetch(url, { method: 'POST', headers, body: `# time: ${new Date().toISOString()}\n${tracking}`, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) });
      if (res.ok) return { ok: true };
      const retryAfter = Number(res.headers.get('retry-after'));
      const reason = `collector answered ${res.status}: ${(await res.text()).slice(0, 200)}`;
      return res.status === 503 && Number.isFinite(retryAfter) && retryAfter > 0 ? { ok: false, retryAfterSeconds: retryAfter, reason } : { ok: false, reason };
    } catch (err) {
      return { ok: false, reason: `cannot reach the collector: ${(err as Error).message}` };
    }
  }
}
