import type { Consumer as KafkaJsConsumer, EachBatchPayload, Kafka, RetryOptions } from 'kafkajs';
import {
  defaultHandlerRetry,
  errorFields,
  retryDelayMs,
  sleepWhileRunning,
  type HandlerRetry,
} from '../retry';
import type { BatchContext, BusLogger, ConsumeOptions, Consumer } from '../types';
import { AssignmentGate, HeartbeatFailed, StoppedWaiting } from './assignment-gate';
import { toConsumedRecord } from './records';

export interface KafkaConsumerTuning {
  /** Longest a fetch waits for records; it also bounds how long `stop()` waits (default 1000). */
  maxWaitTimeInMs?: number;
  sessionTimeout?: number;
  heartbeatInterval?: number;
  /**
   * kafkajs's retry of its own failures (fetch, commit, join). When they run out the consumer crashes and kafkajs
   * restarts it (rejoining from the committed offsets).
   */
  retry?: RetryOptions;
  /** Backoff for a throwing batch handler. */
  handlerRetry?: HandlerRetry;
  /** Wait before replacing a consumer that crashed with an error kafkajs will not restart on (default 5000). */
  recreateDelayMs?: number;
}

const defaultRetry: RetryOptions = {
  initialRetryTime: 300,
  maxRetryTime: 30_000,
  retries: 8,
  factor: 0.2,
  multiplier: 2,
};

/**
 * One group member: a kafkajs consumer with manual commits, replaced by a fresh one if it ever crashes in a way
 * kafkajs does not restart from, so nothing ends the loop but `stop()`.
 *
 * A throwing handler is retried here, on the same records, rather than thrown to kafkajs: kafkajs's runner would
 * refetch them too, but its attempt counter never resets while the member stays in the group (so a failure days
 * later waits the longest backoff) and it turns a TypeError into a crash it does not restart from.
 */
export class KafkaConsumerLoop implements Consumer {
  private consumer: KafkaJsConsumer | undefined;
  private starting: Promise<void> | undefined;
  private recreateTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly gate: AssignmentGate;
  private readonly handlerRetry: HandlerRetry;

  constructor(
    private readonly kafka: Kafka,
    private readonly opts: ConsumeOptions,
    private readonly tuning: KafkaConsumerTuning,
    private readonly logger: BusLogger | undefined,
  ) {
    this.gate = new AssignmentGate(opts.onAssigned);
    this.handlerRetry = tuning.handlerRetry ?? defaultHandlerRetry;
  }

  async start(): Promise<void> {
    this.starting = this.connect();
    try {
      await this.starting;
    } finally {
      this.starting = undefined;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.recreateTimer);
    await this.starting?.catch(() => undefined);
    await this.consumer?.disconnect();
    this.consumer = undefined;
  }

  private async connect(): Promise<void> {
    const { groupId, topics, fromBeginning = false } = this.opts;
    const consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: this.tuning.maxWaitTimeInMs ?? 1000,
      ...(this.tuning.sessionTimeout ? { sessionTimeout: this.tuning.sessionTimeout } : {}),
      ...(this.tuning.heartbeatInterval ? { heartbeatInterval: this.tuning.heartbeatInterval } : {}),
      retry: { ...defaultRetry, ...this.tuning.retry },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (e) => this.gate.assigned(e.payload.memberAssignment));
    consumer.on(consumer.events.CRASH, (e) => this.crashed(consumer, e.payload.error, e.payload.restart));
    try {
      await consumer.connect();
      await consumer.subscribe({ topics, fromBeginning });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        // kafkajs hands each partition's batches over one at a time, in order, whatever this is.
        partitionsConsumedConcurrently: Math.max(1, this.opts.partitionsConcurrently ?? 1),
        eachBatch: (p) => this.eachBatch(p),
      });
    } catch (e) {
      await consumer.disconnect().catch(() => undefined);
      throw e;
    }
  }

  private crashed(consumer: KafkaJsConsumer, error: Error, restart: boolean): void {
    const fields = { groupId: this.opts.groupId, restart, ...errorFields(error) };
    if (restart || this.stopped || consumer !== this.consumer) {
      this.logger?.warn(fields, 'kafka consumer crashed; kafkajs restarts it');
      return;
    }
    const delay = this.tuning.recreateDelayMs ?? 5000;
    this.logger?.error({ ...fields, recreateInMs: delay }, 'kafka consumer crashed; replacing it');
    this.recreateTimer = setTimeout(() => void this.recreate(), delay);
  }

  private async recreate(): Promise<void> {
    if (this.stopped) return;
    await this.consumer?.disconnect().catch(() => undefined);
    if (this.stopped) return;
    try {
      await this.start();
    } catch (e) {
      const delay = this.tuning.recreateDelayMs ?? 5000;
      this.logger?.error(
        { groupId: this.opts.groupId, recreateInMs: delay, ...errorFields(e) },
        'kafka consumer did not start',
      );
      if (!this.stopped) this.recreateTimer = setTimeout(() => void this.recreate(), delay);
    }
  }

  private async eachBatch(p: EachBatchPayload): Promise<void> {
    const { batch } = p;
    const last = batch.messages[batch.messages.length - 1];
    if (!last || !(await this.assignmentReady(p))) return;
    const records = batch.messages.map((m) => toConsumedRecord(batch.topic, batch.partition, m));
    // A failed heartbeat means the group is rebalancing and the batch belongs to the next owner: kafkajs must see it.
    let membershipLost: unknown;
    const ctx: BatchContext = {
      heartbeat: async () => {
        try {
          await p.heartbeat();
        } catch (e) {
          membershipLost = e;
          throw e;
        }
      },
      isRunning: () => p.isRunning(),
    };
    for (let failures = 0; ;) {
      if (!p.isRunning() || p.isStale()) return;
      try {
        await this.opts.handleBatch({ topic: batch.topic, partition: batch.partition, records }, ctx);
        break;
      } catch (e) {
        if (membershipLost !== undefined) throw membershipLost;
        if (!p.isRunning()) return; // stopping: the batch stays uncommitted for the next owner
        failures += 1;
        const delay = retryDelayMs(failures, this.handlerRetry);
        const where = { groupId: this.opts.groupId, topic: batch.topic, partition: batch.partition };
        const offsets = {
          firstOffset: batch.firstOffset(),
          lastOffset: last.offset,
          failures,
          retryInMs: delay,
        };
        this.logger?.warn(
          { ...where, ...offsets, ...errorFields(e) },
          'batch handler failed; retrying the batch',
        );
        await sleepWhileRunning(delay, p.isRunning, p.heartbeat);
      }
    }
    p.resolveOffset(last.offset);
    if (this.opts.commit !== false) await p.commitOffsetsIfNecessary(p.uncommittedOffsets());
  }

  /** Waits (heartbeating) for `onAssigned` to succeed, retrying it with backoff; false when stopping meanwhile. */
  private async assignmentReady(p: EachBatchPayload): Promise<boolean> {
    for (let failures = 0; p.isRunning();) {
      try {
        await this.gate.whenReady(p);
        return true;
      } catch (e) {
        if (e instanceof HeartbeatFailed) throw e.cause;
        if (e instanceof StoppedWaiting) return false;
        failures += 1;
        const delay = retryDelayMs(failures, this.handlerRetry);
        this.logger?.warn(
          { groupId: this.opts.groupId, failures, retryInMs: delay, ...errorFields(e) },
          'onAssigned failed; retrying',
        );
        await sleepWhileRunning(delay, p.isRunning, p.heartbeat);
        this.gate.retry();
      }
    }
    return false;
  }
}
