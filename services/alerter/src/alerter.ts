import { deadLetterRecord, type Consumer, type EventLog, type ProducedRecord, type Producer, type RecordBatch } from '@ztv/bus';
import { topicNames, type Signal, type TopicNames } from '@ztv/events';
import { contextFrom, inSpan, SpanKind, type Logger, type Metrics } from '@ztv/telemetry';
import { decodeSignal } from './decode-signal';

/** Applies a batch of signals to the finding store in ONE transaction; returns the transitions it made. */
export type ApplySignals<T> = (signals: Signal[]) => Promise<T[]>;

export interface AlerterOptions<T> {
  eventLog: EventLog;
  logger: Logger;
  metrics?: Metrics;
  groupId: string;
  topicPrefix?: string;
  applySignals: ApplySignals<T>;
  /** Enqueues notification (and remediation) jobs for the transitions; deterministic job ids make it idempotent. */
  onTransitions?: (transitions: T[]) => Promise<void>;
  /**
   * How many of its partitions the alerter works on at once (default 1): one partition's batch can be in Postgres
   * while another's jobs go to Redis. Each partition's batches still run one at a time, in order, and signals are keyed
   * by fingerprint, so a finding's signals are applied in order; offsets are committed per batch, after its
   * transaction and its enqueue.
   */
  partitionsConcurrently?: number;
  /**
   * Periodic work beside the consumer (quiet-period resolution, silences, the notification outbox): run once at start,
   * then every `intervalMs` after the previous run ended, until stop(). A failing run is logged and tried again.
   */
  tick?: { intervalMs: number; run: () => Promise<void> };
}

/**
 * Consumes ztv.signals.v1 in batches: validate → apply to Postgres in one transaction → enqueue jobs → only then
 * commit offsets. A replayed batch changes nothing (signal ids are unique in finding_events). Batches of different
 * partitions may be in flight at once (`partitionsConcurrently`); those of one partition never are.
 */
export class Alerter<T> {
  private readonly topics: TopicNames;
  private consumer: Consumer | undefined;
  private producer: Producer | undefined;
  private readonly log: Logger;
  private tickTimer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly opts: AlerterOptions<T>) {
    this.topics = topicNames(opts.topicPrefix);
    this.log = opts.logger.child({ component: 'alerter' });
  }

  async start(): Promise<void> {
    this.producer = await this.opts.eventLog.producer();
    this.consumer = await this.opts.eventLog.consume({
      groupId: this.opts.groupId,
      topics: [this.topics.signals],
      fromBeginning: true,
      partitionsConcurrently: this.opts.partitionsConcurrently ?? 1,
      handleBatch: (batch) => this.handleBatch(batch),
    });
    this.stopped = false;
    if (this.opts.tick) this.scheduleTick(0);
    this.log.info({ groupId: this.opts.groupId }, 'alerter started');
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.tickTimer);
    await this.ticking;
    await this.consumer?.stop();
    await this.producer?.close();
    this.consumer = undefined;
    this.producer = undefined;
  }

  private scheduleTick(delayMs: number): void {
    const tick = this.opts.tick!;
    this.tickTimer = setTimeout(() => {
      this.ticking = tick
        .run()
        .catch((err: unknown) => this.log.warn({ err }, 'alerter tick failed; next one retries'))
        .finally(() => {
          this.ticking = undefined;
          if (!this.stopped) this.scheduleTick(tick.intervalMs);
        });
    }, delayMs);
  }

  private async handleBatch(batch: RecordBatch): Promise<void> {
    const signals: Signal[] = [];
    const dead: ProducedRecord[] = [];
    for (const r of batch.records) {
      const d = decodeSignal(r);
      if (d.ok) signals.push(d.signal);
      else {
        dead.push(deadLetterRecord(this.topics, {
          source: 'alerter',
          stage: 'alert',
          reason: d.reason,
          raw: r.value ?? Buffer.alloc(0),
          origin: { topic: r.topic, partition: r.partition, offset: r.offset },
        }));
        this.opts.metrics?.deadLettered.inc({ stage: 'alert' });
      }
    }
    const end = this.opts.metrics?.batchSeconds.startTimer({ consumer: 'alerter' });
    const parent = contextFrom(batch.records.find((r) => r.headers.traceparent)?.headers.traceparent);
    await inSpan('alerter apply', { parent, kind: SpanKind.CONSUMER, attributes: { 'ztv.signals': signals.length } }, async () => {
      if (signals.length) {
        const transitions = await this.opts.applySignals(signals);
        for (const s of signals) this.opts.metrics?.signals.inc({ rule: s.ruleId, transition: s.transition });
        if (transitions.length && this.opts.onTransitions) await this.opts.onTransitions(transitions);
      }
      if (dead.length) await this.producer!.send(dead);
    });
    end?.();
  }
}
