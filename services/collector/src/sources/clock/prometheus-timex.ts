import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { DeadLetterInput } from '@ztv/bus';
import type { ZtvEvent } from '@ztv/events';
import { parseText } from '@ztv/formats';
import { deadLettersFor } from '../../http/ingest';
import type { SourceContext, SourceModule } from '../types';

/** The series node-exporter's timex collector exports that a clock reading needs. */
export const TIMEX_QUERY = '{__name__=~"node_timex_offset_seconds|node_timex_sync_status|node_timex_maxerror_seconds"}';

const vectorResponse = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('vector'),
    result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) })),
  }),
});

export interface PrometheusTimexOptions {
  url: string;
  intervalMs: number;
  /** File with a bearer token for Prometheus; read on every poll (it may be rotated). */
  tokenFile?: string;
  timeoutMs?: number;
}

/**
 * node-exporter's timex metrics read from an existing Prometheus through its HTTP query API (an instant vector
 * query every interval), turned back into exposition lines for @ztv/formats' timex parser: one `clock` reading
 * per node. A batch Kafka refuses is kept and sent before the next poll.
 */
export class PrometheusTimexSource implements SourceModule {
  readonly name = 'node-exporter';
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private pending: { events: ZtvEvent[]; deadLetters: Omit<DeadLetterInput, 'time'>[] } | undefined;

  constructor(
    private readonly ctx: SourceContext,
    private readonly opts: PrometheusTimexOptions,
  ) {}

  async start(): Promise<void> {
    const tick = () => {
      this.running ??= this.pollOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.ctx.logger.warn({ err, source: this.name, url: this.opts.url }, 'Prometheus timex poll failed'))
        .finally(() => (this.running = undefined));
    };
    tick();
    this.timer = setInterval(tick, this.opts.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One poll: publish what waits, query, parse, publish. Throws (to be logged) when Prometheus or Kafka fails. */
  async pollOnce(): Promise<{ readings: number; deadLettered: number }> {
    if (this.pending) {
      await this.ctx.sink.publish(this.pending.events, this.pending.deadLetters);
      this.pending = undefined;
    }
    const text = await this.query();
    const r = parseText(text, { cluster: this.ctx.cluster, observedAt: this.ctx.clock().toISOString(), format: 'timex', source: this.name, file: 'prometheus' });
    const batch = { events: r.events, deadLetters: deadLettersFor(this.name, r.errors, text) };
    this.ctx.counters.count(this.name, 'received', r.events.length + r.errors.length);
    this.pending = batch;
    await this.ctx.sink.publish(batch.events, batch.deadLetters);
    this.pending = undefined;
    return { readings: batch.events.length, deadLettered: batch.deadLetters.length };
  }

  /** The instant vector as Prometheus exposition text (`name{labels} value timestamp_ms`). */
  private async query(): Promise<string> {
    const url = new URL('api/v1/query', this.opts.url.endsWith('/') ? this.opts.url : `${this.opts.url}/`);
    url.searchParams.set('query', TIMEX_QUERY);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.opts.tokenFile) headers.authorization = `Bearer ${(await readFile(this.opts.tokenFile, 'utf8')).trim()}`;
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(this.opts.timeoutMs ?? 10_000) });
    const body: unknown = await res.json().catch(() => undefined);
    if (!res.ok) throw new Error(`Prometheus answered ${res.status}: ${JSON.stringify(body)?.slice(0, 200)}`);
    const parsed = vectorResponse.safeParse(body);
    if (!parsed.success) throw new Error(`Prometheus answer is not an instant vector: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data.data.result.map((s) => exposition(s.metric, s.value)).join('\n');
  }
}

function exposition(metric: Record<string, string>, [seconds, value]: [number, string]): string {
  const { __name__: name = '', ...labels } = metric;
  const esc = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
  const pairs = Object.entries(labels).map(([k, v]) => `${k}="${esc(v)}"`);
  return `${name}{${pairs.join(',')}} ${value} ${Math.round(seconds * 1000)}`;
}
