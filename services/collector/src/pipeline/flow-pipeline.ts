import type { FlowEvent } from '@ztv/events';
import type { Logger } from '@ztv/telemetry';
import { BackpressureError } from '../http/errors';
import type { EventSink } from '../sink';
import { FlowAggregator } from './flow-aggregator';

export interface FlowPipelineOptions {
  /** Envelope source of the flows (for aggregate ids and logs). */
  source: string;
  sink: EventSink;
  logger: Logger;
  windowMs: number;
  /** Distinct aggregates held before the window is closed early. */
  maxAggregates: number;
  retryAfterSeconds: number;
  clock?: () => Date;
}

/** Run when a window is sealed; the function it returns runs once that window is in Kafka. */
export type SealHook = () => (() => Promise<void> | void) | undefined;

interface Sealed {
  events: FlowEvent[];
  flows: number;
  commits: (() => Promise<void> | void)[];
}

/** Sealed windows that may wait for Kafka before new flows are refused. */
const MAX_WAITING = 2;

/**
 * A flow source's bounded buffer: flows are folded into the open window, which is sealed every `windowMs` (or
 * when it holds `maxAggregates`) and published. A sealed window that Kafka refuses is kept, ids and all, and
 * retried on every tick; while one waits after a failure (or too many wait), `accept` refuses new flows with
 * BackpressureError (HTTP 503, file tails stop, gRPC streams pause). Seal hooks let a source checkpoint exactly
 * what a window covered once it is acknowledged.
 */
export class FlowPipeline {
  private readonly aggregator: FlowAggregator;
  private readonly waiting: Sealed[] = [];
  private readonly hooks: SealHook[] = [];
  private failing = false;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<boolean> | undefined;

  constructor(private readonly opts: FlowPipelineOptions) {
    this.aggregator = new FlowAggregator(opts.source, opts.clock);
  }

  /** False while Kafka refuses the waiting windows, or too many wait. */
  get healthy(): boolean {
    return !(this.failing && this.waiting.length > 0) && this.waiting.length < MAX_WAITING;
  }

  /** Flows accepted and not yet acknowledged by Kafka. */
  get buffered(): number {
    return this.aggregator.flows + this.waiting.reduce((n, s) => n + s.flows, 0);
  }

  start(): void {
    this.timer ??= setInterval(() => void this.flush(), this.opts.windowMs);
    this.timer.unref();
  }

  addSealHook(hook: SealHook): void {
    this.hooks.push(hook);
  }

  /** Folds the flows, or throws BackpressureError and takes none of them. */
  accept(flows: FlowEvent[]): void {
    if (!this.healthy) throw new BackpressureError('flows are waiting for Kafka; retry later', this.opts.retryAfterSeconds);
    for (const f of flows) {
      if (this.aggregator.size >= this.opts.maxAggregates) {
        this.seal();
        void this.flush();
      }
      this.aggregator.fold(f);
    }
  }

  /** Seals the open window and publishes every waiting one, in order. Resolves true when none is left waiting. */
  flush(): Promise<boolean> {
    this.flushing ??= this.publishWaiting().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  /** Stops the timer and tries once more to publish what is buffered. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flushing;
    if (!(await this.flush())) this.opts.logger.warn({ source: this.opts.source, flows: this.buffered }, 'stopping with flows Kafka did not take');
  }

  private seal(): void {
    if (this.aggregator.size === 0) return;
    const flows = this.aggregator.flows;
    const commits = this.hooks.map((h) => h()).filter((c): c is NonNullable<typeof c> => c !== undefined);
    this.waiting.push({ events: this.aggregator.seal(), flows, commits });
  }

  private async publishWaiting(): Promise<boolean> {
    this.seal();
    for (let next = this.waiting[0]; next; next = this.waiting[0]) {
      try {
        await this.opts.sink.publish(next.events);
      } catch (err) {
        if (!this.failing) this.opts.logger.warn({ err, source: this.opts.source, events: next.events.length }, 'Kafka refused a flow window; kept for retry');
        this.failing = true;
        return false;
      }
      this.waiting.shift();
      if (this.failing) this.opts.logger.info({ source: this.opts.source }, 'Kafka took the waiting flow windows');
      this.failing = false;
      for (const commit of next.commits) await commit();
    }
    return true;
  }
}
