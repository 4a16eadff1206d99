import type { FlowEvent, ZtvEvent } from '@ztv/events';
import { FlowPipeline } from '../../pipeline/flow-pipeline';
import type { SourceContext } from '../types';

/** A flow pipeline per envelope source, created on first use, configured from the collector's env. */
export class FlowPipelines {
  private readonly byName = new Map<string, FlowPipeline>();

  constructor(private readonly ctx: SourceContext) {}

  get(source: string): FlowPipeline {
    let p = this.byName.get(source);
    if (!p) {
      const { env } = this.ctx;
      p = new FlowPipeline({
        source,
        sink: this.ctx.sink,
        logger: this.ctx.logger,
        windowMs: env.COLLECTOR_FLOW_WINDOW_SECONDS * 1000,
        maxAggregates: env.COLLECTOR_FLOW_MAX_AGGREGATES,
        retryAfterSeconds: env.COLLECTOR_RETRY_AFTER_SECONDS,
        clock: this.ctx.clock,
      });
      p.start();
      this.byName.set(source, p);
    }
    return p;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.byName.values()].map((p) => p.stop()));
  }
}

export function isFlow(e: ZtvEvent): e is FlowEvent {
  return e.type === 'flow';
}
