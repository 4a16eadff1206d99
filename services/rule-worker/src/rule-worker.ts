import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { deadLetterRecord, type Consumer, type EventLog, type Producer, type RecordBatch } from '@ztv/bus';
import { topicNames, type Signal, type TopicNames } from '@ztv/events';
import { RuleEngine, baselineRules, type Rule, type RulesConfig } from '@ztv/rules';
import { contextFrom, inSpanSync, currentTraceparent, SpanKind, type Logger, type Metrics } from '@ztv/telemetry';
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
  /**
   * How long the restore at start may see no new table batch before it ends with the partitions it has not caught
   * up with (logged): a safety net for a tail that never arrives (default 30 s).
   */
  restoreIdleMs?: number;
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
  /**
   * While the state is being restored at start: the table partitions not caught up yet (→ the offset of the last
   * record they held when the worker started), and the signals of the replay so far, the latest per fingerprint.
   */
  private restore:
    | { pending: Map<string, bigint>; signals: Map<string, Signal>; records: number; startedAt: number; progressAt: number; done: () => void }
    | undefined;
  private finishing: Promise<void> | undefined;
  private stopping = false;

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
    this.stopping = false;
    this.producer = await this.opts.eventLog.producer();
    const t = this.topics;
    // The resource changelog and the global table are read whole by every worker, from the beginning, under a
    // group of its own that never commits: state is rebuilt on every start, and replayed resource events yield the
    // same signal ids (the alerter ignores them).
    //
    // Until the tables are read up to where they stood at start, the state is partial: objects of one namespace
    // arrive before others (a Pod before the NetworkPolicy beside it, a Namespace before its policies, on another
    // topic), and a rule would fire for what is merely not read yet, then resolve. So the replay's signals are held,
    // the latest per finding, and sent once caught up: a condition that held and cleared within the replay reaches
    // the alerter only as its resolution (a no-op for a finding it never opened; the resolution of one that cleared
    // while the worker was down), one still holding as firing. Events of the other topics wait for the restore.
    const ends = await this.opts.eventLog.endOffsets([t.resources, t.global]);
    const restored = new Promise<void>((resolve) => {
      const now = Date.now();
      this.restore = {
        pending: new Map(ends.filter((e) => BigInt(e.offset) > 0n).map((e) => [partitionKey(e.topic, e.partition), BigInt(e.offset) - 1n])),
        signals: new Map(),
        records: 0,
        startedAt: now,
        progressAt: now,
        done: resolve,
      };
    });
    this.tableConsumer = await this.opts.eventLog.consume({
      groupId: `${this.opts.groupId}-table-${this.opts.instanceId ?? randomUUID()}`,
      topics: [t.resources, t.global],
      fromBeginning: true,
      commit: false,
      handleBatch: (batch, ctx) => this.handleBatch(batch, ctx.heartbeat, true),
    });
    if (!this.restore?.pending.size) await this.finishRestore();
    await this.untilRestored(restored);
    if (this.stopping) return;
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

  /** True once the state was restored at start (see start); the worker is not ready before. */
  get restored(): boolean {
    return this.producer !== undefined && this.restore === undefined;
  }

  /** Waits for the restore; ends it anyway after restoreIdleMs without a table batch, or when the worker stops. */
  private async untilRestored(restored: Promise<void>): Promise<void> {
    const idleMs = this.opts.restoreIdleMs ?? 30_000;
    for (let r = this.restore; r && !this.stopping; r = this.restore) {
      const idle = Date.now() - r.progressAt;
      if (idle >= idleMs) {
        this.log.warn(
          { partitions: [...r.pending.keys()].map((k) => k.replace('\u0000', '/')), idleMs },
          'state restore saw no table records for a while; going on without these partitions caught up',
        );
        try {
          await this.finishRestore();
          continue;
        } catch (err) {
          this.log.error({ err }, 'sending the restored signals failed; retrying');
          await sleep(1000);
          continue;
        }
      }
      await Promise.race([restored, sleep(Math.max(1, Math.min(1000, idleMs - idle)))]);
    }
  }

  /** Sends the replay's held signals (the latest per finding) and ends the restore; one send at a time. */
  private finishRestore(): Promise<void> {
    this.finishing ??= this.sendRestored().finally(() => (this.finishing = undefined));
    return this.finishing;
  }

  private async sendRestored(): Promise<void> {
    const r = this.restore;
    if (!r) return;
    // The re-checks the replay deferred to a tick (what deleted controllers left behind) are due: the log already
    // shows whether it was garbage-collected.
    const time = (this.opts.clock ?? (() => new Date()))().toISOString();
    const deferred = this.engine.evaluateDeferred({ id: `restore:${time.slice(0, 16)}`, type: 'tick', time });
    for (const s of deferred.signals) r.signals.set(s.fingerprint, s);
    const signals = [...r.signals.values()];
    if (signals.length) await this.producer!.send(signals.map((s) => this.signalRecord(s)));
    this.restore = undefined;
    this.log.info(
      { objects: this.engine.state.resources.count(), records: r.records, signals: signals.length, ms: Date.now() - r.startedAt },
      'state restored from the resource tables',
    );
    r.done();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.restore?.done();
    if (this.tick) clearInterval(this.tick);
    await this.consumer?.stop();
    await this.tableConsumer?.stop();
    await this.producer?.close();
    this.consumer = undefined;
    this.tableConsumer = undefined;
    this.producer = undefined;
  }

  private async handleBatch(batch: RecordBatch, heartbeat: () => Promise<void>, table = false): Promise<void> {
    const out: Parameters<Producer['send']>[0] = [];
    // During the restore a table batch's signals are held (see start); dead letters still go out at once.
    const held = table ? this.restore : undefined;
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
      inSpanSync('rule-worker evaluate', { parent, kind: SpanKind.CONSUMER, attributes: { 'ztv.event.type': decoded.event.type } }, () => {
        const result = this.engine.process(decoded.event);
        for (const o of result.outcomes) {
          if (o.kind === 'error') {
            this.opts.metrics?.ruleErrors.inc({ rule: o.ruleId });
            this.log.warn({ rule: o.ruleId, eventId: o.eventId, error: o.error }, 'rule could not evaluate');
          }
        }
        if (held) for (const s of result.signals) held.signals.set(s.fingerprint, s);
        else out.push(...result.signals.map((s) => this.signalRecord(s)));
      });
    }
    if (out.length) {
      await heartbeat();
      await this.producer!.send(out);
      for (const r of out) if (r.topic === this.topics.signals) this.opts.metrics?.produced.inc({ topic: r.topic });
    }
    if (held && held === this.restore) {
      held.records += batch.records.length;
      held.progressAt = Date.now();
      const key = partitionKey(batch.topic, batch.partition);
      const last = batch.records.at(-1);
      const target = held.pending.get(key);
      if (last && target !== undefined && BigInt(last.offset) >= target) held.pending.delete(key);
      if (!held.pending.size) await this.finishRestore();
    }
    end?.();
  }

  /** Re-checks time-dependent rules so a certificate that expires with no new event still fires. */
  private async onTick(): Promise<void> {
    if (!this.producer || this.restore) return;
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

/** A topic partition as a map key. */
const partitionKey = (topic: string, partition: number) => `${topic}\u0000${partition}`;
