import { randomUUID } from 'node:crypto';
import { deadLetterRecord, type Consumer, type EventLog, type Producer, type RecordBatch } from '@ztv/bus';
import { topicNames, type Signal, type TopicNames } from '@ztv/events';
import { RuleEngine, baselineRules, type Rule, type RulesConfig } from '@ztv/rules';
import { contextFrom, inSpan, currentTraceparent, SpanKind, type Logger, type Metrics } from '@ztv/telemetry';
import { decodeEvent } from './decode';

export interface RuleWorkerOptions {
  eventLog: EventLog;
  logger: Logger;
  metrics?: Metrics;
  cluster: string;
  rulesConfig: RulesConfig;
  groupId: string;
  topicPrefix?: string;
  rules?: Rule[];
  clock?: () => Date;
  /** Stable per replica (the pod name): names the table reader's group, which never commits. */
  instanceId?: string;
  /** How often time-dependent rules (certificate expiry) are re-checked with no new event. */
  tickIntervalMs?: number;
}

/**
 * Consumes the event topics, keeps the materialized state, runs the rule pack and produces signals. Offsets of a
 * batch are committed only after its signals (and dead letters) were acknowledged by the broker.
 */
export class RuleWorker {
  readonly engine: RuleEngine;
  private readonly topics: TopicNames;
  private consumer: Consumer | undefined;
  private tableConsumer: Consumer | undefined;
  private producer: Producer | undefined;
  private tick: NodeJS.Timeout | undefined;
  private readonly log: Logger;

  constructor(private readonly opts: RuleWorkerOptions) {
    this.topics = topicNames(opts.topicPrefix);
    this.log = opts.logger.child({ component: 'rule-worker' });
    this.engine = new RuleEngine({
      rules: opts.rules ?? baselineRules,
      config: opts.rulesConfig,
      cluster: opts.cluster,
      clock: opts.clock,
    });
  }

  async start(): Promise<void> {
    this.producer = await this.opts.eventLog.producer();
    const t = this.topics;
    // The resource changelog and the global table are read whole by every worker, from the beginning, under a
    // group of its own that never commits: state is rebuilt on every start, and replayed resource events yield the
    // same signal ids (the alerter ignores them). Per-partition restore is a later optimisation (docs/operations.md).
    this.tableConsumer = await this.opts.eventLog.consume({
      groupId: `${this.opts.groupId}-table-${this.opts.instanceId ?? randomUUID()}`,
      topics: [t.resources, t.global],
      fromBeginning: true,
      commit: false,
      handleBatch: (batch, ctx) => this.handleBatch(batch, ctx.heartbeat),
    });
    this.consumer = await this.opts.eventLog.consume({
      groupId: this.opts.groupId,
      topics: [t.audit, t.flows, t.certs, t.clock],
      fromBeginning: true,
      handleBatch: (batch, ctx) => this.handleBatch(batch, ctx.heartbeat),
    });
    const every = this.opts.tickIntervalMs ?? 30_000;
    this.tick = setInterval(() => void this.onTick().catch((err) => this.log.error({ err }, 'tick failed')), every);
    this.tick.unref();
    this.log.info({ groupId: this.opts.groupId }, 'rule-worker started');
  }

  async stop(): Promise<void> {
    if (this.tick) clearInterval(this.tick);
    await this.consumer?.stop();
    await this.tableConsumer?.stop();
    await this.producer?.close();
    this.consumer = undefined;
    this.tableConsumer = undefined;
    this.producer = undefined;
  }

  private async handleBatch(batch: RecordBatch, heartbeat: () => Promise<void>): Promise<void> {
    const out: Parameters<Producer['send']>[0] = [];
    const end = this.opts.metrics?.batchSeconds.startTimer({ consumer: 'rule-worker' });
    for (const record of batch.records) {
      const decoded = decodeEvent(record);
      if (!decoded.ok) {
        out.push(deadLetterRecord(this.topics, {
          source: 'rule-worker',
          stage: 'validate',
          reason: decoded.reason,
          raw: record.value ?? Buffer.alloc(0),
          origin: { topic: record.topic, partition: record.partition, offset: record.offset },
        }));
        this.opts.metrics?.deadLettered.inc({ stage: 'validate' });
        continue;
      }
      const parent = contextFrom(record.headers.traceparent);
      await inSpan('rule-worker evaluate', { parent, kind: SpanKind.CONSUMER, attributes: { 'ztv.event.type': decoded.event.type } }, async () => {
        const result = this.engine.process(decoded.event);
        for (const o of result.outcomes) {
          if (o.kind === 'error') {
            this.opts.metrics?.ruleErrors.inc({ rule: o.ruleId });
            this.log.warn({ rule: o.ruleId, eventId: o.eventId, error: o.error }, 'rule could not evaluate');
          }
        }
        out.push(...result.signals.map((s) => this.signalRecord(s)));
      });
    }
    if (out.length) {
      await heartbeat();
      await this.producer!.send(out);
      for (const r of out) if (r.topic === this.topics.signals) this.opts.metrics?.produced.inc({ topic: r.topic });
    }
    end?.();
  }

  /** Re-checks time-dependent rules so a certificate that expires with no new event still fires. */
  private async onTick(): Promise<void> {
    if (!this.producer) return;
    const now = (this.opts.clock ?? (() => new Date()))();
    // The tick id is per minute so a replayed tick yields the same signal ids.
    const minute = now.toISOString().slice(0, 16);
    const result = this.engine.evaluateAll({ id: `tick:${minute}`, type: 'tick', time: now.toISOString() }, true);
    if (result.signals.length) await this.producer.send(result.signals.map((s) => this.signalRecord(s)));
  }

  private signalRecord(s: Signal) {
    this.opts.metrics?.signals.inc({ rule: s.ruleId, transition: s.transition });
    const traceparent = currentTraceparent();
    return {
      topic: this.topics.signals,
      // Keyed by fingerprint: every transition of one finding stays ordered on one partition.
      key: s.fingerprint,
      value: JSON.stringify(s),
      headers: { 'content-type': 'application/json', ce_type: 'io.ztv.signal.v1', ce_id: s.signalId, ...(traceparent ? { traceparent } : {}) },
    };
  }
}
