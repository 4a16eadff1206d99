import { join } from 'node:path';
import { parseText, type FormatId } from '@ztv/formats';
import { deadLettersFor } from '../../http/ingest';
import { FlowPipeline } from '../../pipeline/flow-pipeline';
import { isFlow } from '../flows/flow-pipelines';
import type { SourceContext, SourceModule } from '../types';
import { FileTail, type TailBatch } from './file-tail';

export interface LineFileSourceOptions {
  /** Module name, envelope `source` and state file name. */
  name: string;
  path: string;
  format: FormatId;
  /** Flow formats go through the aggregation window; the position is saved once a window is in Kafka. */
  flows?: boolean;
}

/**
 * A log file read line by line in one format (kube-apiserver audit log, Hubble exporter file, SPIRE /
 * istio-agent log): events to their topics, unreadable lines to the dead-letter topic with the parser's reason.
 * The file position is saved only after Kafka acknowledged what was read (see FileTail).
 */
export class LineFileSource implements SourceModule {
  readonly name: string;
  private readonly tail: FileTail;
  private readonly pipeline: FlowPipeline | undefined;

  constructor(
    private readonly ctx: SourceContext,
    private readonly opts: LineFileSourceOptions,
  ) {
    this.name = opts.name;
    const { env } = ctx;
    this.tail = new FileTail({
      path: opts.path,
      stateFile: join(ctx.stateDir, `${opts.name}.position.json`),
      pollMs: env.COLLECTOR_FILE_POLL_MS,
      logger: ctx.logger.child({ source: opts.name }),
      commit: opts.flows ? 'manual' : 'handled',
      handle: (batch) => this.handle(batch),
    });
    if (opts.flows) {
      this.pipeline = new FlowPipeline({
        source: opts.name,
        sink: ctx.sink,
        logger: ctx.logger,
        windowMs: env.COLLECTOR_FLOW_WINDOW_SECONDS * 1000,
        maxAggregates: env.COLLECTOR_FLOW_MAX_AGGREGATES,
        retryAfterSeconds: env.COLLECTOR_RETRY_AFTER_SECONDS,
        clock: ctx.clock,
      });
      this.pipeline.addSealHook(() => this.tail.checkpoint());
    }
  }

  async start(): Promise<void> {
    this.pipeline?.start();
    this.tail.start();
  }

  async stop(): Promise<void> {
    await this.tail.stop();
    await this.pipeline?.stop();
  }

  private async handle(batch: TailBatch): Promise<void> {
    const text = batch.lines.join('\n');
    const observedAt = this.ctx.clock().toISOString();
    const r = parseText(text, { cluster: this.ctx.cluster, observedAt, source: this.opts.name, file: batch.path, format: this.opts.format });
    const deadLetters = deadLettersFor(this.opts.name, r.errors, text, batch.lines);
    if (!this.pipeline) {
      await this.ctx.sink.publish(r.events, deadLetters);
      this.ctx.counters.count(this.name, 'received', batch.lines.length);
      return;
    }
    if (!this.pipeline.healthy) await this.pipeline.flush();
    if (deadLetters.length) await this.ctx.sink.publish([], deadLetters);
    this.pipeline.accept(r.events.filter(isFlow));
    this.ctx.counters.count(this.name, 'received', batch.lines.length);
  }
}
