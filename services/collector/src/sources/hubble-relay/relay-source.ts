import { readFileSync } from 'node:fs';
import { credentials, status, type ChannelCredentials, type ChannelOptions, type Client, type ClientReadableStream } from '@grpc/grpc-js';
import type { DeadLetterInput } from '@ztv/bus';
import type { FlowEvent } from '@ztv/events';
import { parseHubbleFlow } from '@ztv/formats';
import { BackpressureError } from '../../http/errors';
import { FlowPipeline } from '../../pipeline/flow-pipeline';
import type { SourceContext, SourceModule } from '../types';
import { observerClient, rfc3339ToTimestamp } from './proto';
import { flowsResponseToJson, responseTime } from './proto-json';
import { ResumePoint } from './resume-point';

type StreamEnd = 'paused' | 'ended' | 'failed';

export interface HubbleRelayOptions {
  address: string;
  credentials?: ChannelCredentials;
  channelOptions?: ChannelOptions;
  /** Backoff after a failed stream: doubling from `initialBackoffMs` up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Hubble Relay's Observer API: GetFlows in follow mode. Flows go to the aggregation window; when it refuses
 * them (Kafka down), the stream is cancelled and, once Kafka takes the waiting window, reopened from the last
 * flow taken (`since`), skipping the flows already taken at that instant. A failed stream is reopened the same
 * way, with backoff. node_status messages are ignored; lost_events are logged and counted.
 */
export class HubbleRelaySource implements SourceModule {
  readonly name = 'hubble-relay';
  private readonly pipeline: FlowPipeline;
  private readonly resume = new ResumePoint();
  private client: Client | undefined;
  private call: ClientReadableStream<Record<string, unknown>> | undefined;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly ctx: SourceContext,
    private readonly opts: HubbleRelayOptions,
  ) {
    const { env } = ctx;
    this.pipeline = new FlowPipeline({
      source: this.name,
      sink: ctx.sink,
      logger: ctx.logger,
      windowMs: env.COLLECTOR_FLOW_WINDOW_SECONDS * 1000,
      maxAggregates: env.COLLECTOR_FLOW_MAX_AGGREGATES,
      retryAfterSeconds: env.COLLECTOR_RETRY_AFTER_SECONDS,
      clock: ctx.clock,
    });
  }

  /** The time of the last flow taken (RFC 3339), where a reconnect resumes. */
  get resumeFrom(): string | undefined {
    return this.resume.time;
  }

  async start(): Promise<void> {
    const Observer = observerClient();
    this.client = new Observer(this.opts.address, this.opts.credentials ?? credentials.createInsecure(), this.opts.channelOptions ?? {});
    this.pipeline.start();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.call?.cancel();
    this.wake?.();
    await this.loop;
    await this.pipeline.stop();
    this.client?.close();
  }

  private async run(): Promise<void> {
    const log = this.ctx.logger.child({ source: this.name, address: this.opts.address });
    let failures = 0;
    while (!this.stopped) {
      if (!this.pipeline.healthy && !(await this.pipeline.flush())) {
        await this.sleep(this.backoff(++failures));
        continue;
      }
      const end = await this.streamOnce();
      if (this.stopped) break;
      if (end === 'failed') {
        failures++;
        log.warn({ resumeFrom: this.resume.time, attempt: failures }, 'Hubble Relay stream failed; reconnecting');
        await this.sleep(this.backoff(failures));
      } else {
        failures = 0;
        if (end === 'paused') log.info({ resumeFrom: this.resume.time }, 'flows wait for Kafka; the Relay stream resumes once it takes them');
      }
    }
  }

  private streamOnce(): Promise<StreamEnd> {
    const client = this.client as Client & { GetFlows(req: object): ClientReadableStream<Record<string, unknown>> };
    const since = this.resume.time ? rfc3339ToTimestamp(this.resume.time) : undefined;
    const call = client.GetFlows({ follow: true, ...(since ? { since } : {}) });
    this.call = call;
    return new Promise<StreamEnd>((resolve) => {
      let done = false;
      const finish = (end: StreamEnd): void => {
        if (done) return;
        done = true;
        this.call = undefined;
        resolve(end);
      };
      call.on('data', (resp: Record<string, unknown>) => {
        if (done) return;
        try {
          this.onResponse(resp);
        } catch (err) {
          if (!(err instanceof BackpressureError)) throw err;
          finish('paused');
          call.cancel();
        }
      });
      call.on('error', (err: { code?: number }) => finish(err.code === status.CANCELLED && (done || this.stopped) ? 'ended' : 'failed'));
      call.on('end', () => finish('ended'));
    });
  }

  /** One GetFlowsResponse: a flow is taken (or refused with BackpressureError, leaving the resume point). */
  private onResponse(resp: Record<string, unknown>): void {
    const json = flowsResponseToJson(resp);
    if (!json.flow) {
      const lost = json.lost_events as { num_events_lost?: string; source?: string } | undefined;
      if (lost) this.ctx.logger.warn({ source: this.name, lost: lost.num_events_lost, where: lost.source }, 'Hubble reports lost events');
      return;
    }
    const time = responseTime(json);
    const observedAt = this.ctx.clock().toISOString();
    const outs = parseHubbleFlow(json, { cluster: this.ctx.cluster, observedAt, source: this.name, file: 'hubble-relay' });
    const flows: FlowEvent[] = [];
    const deadLetters: Omit<DeadLetterInput, 'time'>[] = [];
    for (const o of outs) {
      if ('event' in o && o.event.type === 'flow') flows.push(o.event);
      else if (!o.ok) deadLetters.push({ source: this.name, stage: 'parse', reason: o.error.message, raw: JSON.stringify(json) });
    }
    const id = flows[0]?.id ?? JSON.stringify(json).slice(0, 200);
    if (time && this.resume.seen(time, id)) return;
    this.ctx.counters.count(this.name, 'received');
    this.pipeline.accept(flows);
    if (time) this.resume.advance(time, id);
    if (deadLetters.length) {
      void this.ctx.sink.publish([], deadLetters).catch((err: unknown) => this.ctx.logger.error({ err, source: this.name }, 'could not dead-letter an unreadable flow'));
    }
  }

  private backoff(failures: number): number {
    const initial = this.opts.initialBackoffMs ?? 500;
    return Math.min(initial * 2 ** Math.min(failures - 1, 10), this.opts.maxBackoffMs ?? 30_000);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}

/** Channel credentials for Relay from the collector's env: TLS (optionally mutual) when a CA is given. */
export function relayCredentials(ctx: SourceContext): { credentials: ChannelCredentials; channelOptions: ChannelOptions } {
  const { env } = ctx;
  if (!env.COLLECTOR_HUBBLE_RELAY_CA_FILE) return { credentials: credentials.createInsecure(), channelOptions: {} };
  const read = (f: string | undefined) => (f ? readFileSync(f) : null);
  const creds = credentials.createSsl(read(env.COLLECTOR_HUBBLE_RELAY_CA_FILE), read(env.COLLECTOR_HUBBLE_RELAY_KEY_FILE), read(env.COLLECTOR_HUBBLE_RELAY_CERT_FILE));
  const name = env.COLLECTOR_HUBBLE_RELAY_SERVER_NAME;
  return { credentials: creds, channelOptions: name ? { 'grpc.ssl_target_name_override': name, 'grpc.default_authority': name } : {} };
}
