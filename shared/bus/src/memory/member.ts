import { errorFields, retryDelayMs, type HandlerRetry } from '../retry';
import type {
  BatchContext,
  BusLogger,
  ConsumeOptions,
  ConsumedRecord,
  Consumer,
  PartitionAssignment,
} from '../types';
import type { MemoryBroker } from './broker';
import { tpKey, type GroupMember, type MemoryGroup, type TopicPartition } from './group';
import type { StoredRecord } from './partition-log';

export interface MemberSettings {
  maxBatchSize: number;
  handlerRetry: HandlerRetry;
  logger: BusLogger | undefined;
}

interface Backoff {
  until: number;
  failures: number;
}

const IDLE_WAIT_MS = 1000;

/**
 * One consumer of a group: a loop that hands batches of its assigned partitions to the handler, one at a time per
 * partition and up to `partitionsConcurrently` partitions at once.
 */
export class MemoryMember implements Consumer, GroupMember {
  readonly topics: string[];
  private running = true;
  private generation = -1;
  private assignment: TopicPartition[] = [];
  private readonly positions = new Map<string, number>();
  private readonly backoff = new Map<string, Backoff>();
  private assignFailures = 0;
  private cursor = 0;
  /** Batches being handled, by partition. */
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly group: MemoryGroup;
  private readonly loop: Promise<void>;
  private readonly ctx: BatchContext = { heartbeat: async () => undefined, isRunning: () => this.running };

  constructor(
    private readonly broker: MemoryBroker,
    private readonly opts: ConsumeOptions,
    private readonly settings: MemberSettings,
  ) {
    this.topics = [...new Set(opts.topics)];
    for (const t of this.topics) broker.topic(t);
    this.group = broker.group(opts.groupId);
    this.group.join(this);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    if (this.running) {
      this.running = false;
      this.broker.notify();
      await this.loop;
      this.group.leave(this);
    }
    await this.loop;
  }

  /**
   * Hands batches to the handler, up to `partitionsConcurrently` partitions at once (never two batches of one
   * partition). A new assignment is taken only once the batches in flight are done.
   */
  private async run(): Promise<void> {
    const limit = Math.max(1, this.opts.partitionsConcurrently ?? 1);
    while (this.running) {
      if (this.generation !== this.group.generation) {
        if (this.inFlight.size) {
          await Promise.all(this.inFlight.values());
          continue;
        }
        if (!(await this.syncAssignment())) continue;
      }
      const work = this.inFlight.size < limit ? this.nextWork() : undefined;
      if (work) {
        const key = tpKey(work.tp);
        const done = this.handle(work.tp, work.records).finally(() => {
          this.inFlight.delete(key);
          this.broker.notify();
        });
        this.inFlight.set(key, done);
      } else {
        await this.broker.waitForChange(this.idleWaitMs());
      }
    }
    await Promise.all(this.inFlight.values());
  }

  /** Takes the group's current assignment, re-reads positions from the committed offsets, runs `onAssigned`. */
  private async syncAssignment(): Promise<boolean> {
    const generation = this.group.generation;
    this.assignment = this.group.assignmentOf(this, (t) => this.broker.topic(t).partitions.length);
    this.positions.clear();
    for (const tp of this.assignment) {
      const log = this.logOf(tp);
      const start = this.opts.fromBeginning ? log.startOffset : log.endOffset;
      this.positions.set(tpKey(tp), this.group.committed.get(tpKey(tp)) ?? start);
    }
    try {
      await this.opts.onAssigned?.(groupByTopic(this.assignment));
      this.assignFailures = 0;
      this.generation = generation;
      return true;
    } catch (e) {
      this.assignFailures += 1;
      const delay = retryDelayMs(this.assignFailures, this.settings.handlerRetry);
      const fields = {
        groupId: this.opts.groupId,
        failures: this.assignFailures,
        retryInMs: delay,
        ...errorFields(e),
      };
      this.settings.logger?.warn(fields, 'onAssigned failed; retrying');
      await this.broker.waitForChange(delay);
      return false;
    }
  }

  /** The next assigned partition (round-robin) with records to read, not backing off and not busy elsewhere. */
  private nextWork(): { tp: TopicPartition; records: StoredRecord[] } | undefined {
    const now = Date.now();
    for (let i = 0; i < this.assignment.length; i++) {
      const tp = this.assignment[(this.cursor + i) % this.assignment.length] as TopicPartition;
      const log = this.logOf(tp);
      // Retention may have dropped records this group never read: carry on from the oldest one kept.
      const position = Math.max(this.positions.get(tpKey(tp)) ?? 0, log.startOffset);
      if (this.inFlight.has(tpKey(tp))) continue;
      if (position >= log.endOffset || (this.backoff.get(tpKey(tp))?.until ?? 0) > now) continue;
      if (!this.group.tryAcquire(tp, this)) continue;
      this.cursor = (this.cursor + i + 1) % this.assignment.length;
      return { tp, records: log.read(position, this.settings.maxBatchSize) };
    }
    return undefined;
  }

  private async handle(tp: TopicPartition, stored: StoredRecord[]): Promise<void> {
    const key = tpKey(tp);
    const records = stored.map((r) => toConsumed(tp, r));
    try {
      await this.opts.handleBatch({ topic: tp.topic, partition: tp.partition, records }, this.ctx);
      const next = (stored[stored.length - 1]?.offset ?? -1) + 1;
      if (this.opts.commit !== false) this.group.committed.set(key, next);
      this.positions.set(key, next);
      this.backoff.delete(key);
    } catch (e) {
      if (!this.running) return; // stopping: the batch stays uncommitted for the next owner
      const failures = (this.backoff.get(key)?.failures ?? 0) + 1;
      const delay = retryDelayMs(failures, this.settings.handlerRetry);
      this.backoff.set(key, { until: Date.now() + delay, failures });
      const offsets = { firstOffset: records[0]?.offset, lastOffset: records[records.length - 1]?.offset };
      const fields = {
        groupId: this.opts.groupId,
        ...tp,
        ...offsets,
        failures,
        retryInMs: delay,
        ...errorFields(e),
      };
      this.settings.logger?.warn(fields, 'batch handler failed; retrying the batch');
    } finally {
      this.group.release(tp, this);
    }
  }

  private idleWaitMs(): number {
    const now = Date.now();
    let wait = IDLE_WAIT_MS;
    for (const b of this.backoff.values()) wait = Math.min(wait, Math.max(1, b.until - now));
    return wait;
  }

  private logOf(tp: TopicPartition) {
    const log = this.broker.topic(tp.topic).partitions[tp.partition];
    if (!log) throw new Error(`partition ${tp.partition} of ${tp.topic} does not exist`);
    return log;
  }
}

function toConsumed(tp: TopicPartition, r: StoredRecord): ConsumedRecord {
  return {
    topic: tp.topic,
    partition: tp.partition,
    offset: String(r.offset),
    key: r.key,
    // A copy: a handler that mutates its buffer must not change what other groups read.
    value: Buffer.from(r.value),
    headers: { ...r.headers },
    timestamp: r.timestamp,
  };
}

function groupByTopic(tps: TopicPartition[]): PartitionAssignment[] {
  const byTopic = new Map<string, number[]>();
  for (const { topic, partition } of tps) byTopic.set(topic, [...(byTopic.get(topic) ?? []), partition]);
  return [...byTopic]
    .map(([topic, partitions]) => ({ topic, partitions }))
    .sort((a, b) => a.topic.localeCompare(b.topic));
}
