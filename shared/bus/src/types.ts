/** A record to append. `key` decides the partition through the namespace partitioner (see partitioner.ts). */
export interface ProducedRecord {
  topic: string;
  key: string;
  value: string | Buffer;
  headers?: Record<string, string>;
}

export interface ConsumedRecord {
  topic: string;
  partition: number;
  /** Decimal string: Kafka offsets are int64. */
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
  /** Milliseconds since the epoch, decimal string (Kafka's record timestamp). */
  timestamp: string;
}

/** Consecutive records of one partition, in offset order. */
export interface RecordBatch {
  topic: string;
  partition: number;
  records: ConsumedRecord[];
}

export interface TopicSpec {
  name: string;
  partitions: number;
  /** `cleanup.policy=compact`: the log keeps at least the latest record per key. */
  compacted?: boolean;
  /** Defaults to the broker's `default.replication.factor`. */
  replicationFactor?: number;
}

export interface Producer {
  /** Resolves once every record is acknowledged by all in-sync replicas. Order is kept per topic and key. */
  send(records: ProducedRecord[]): Promise<void>;
  close(): Promise<void>;
}

export interface BatchContext {
  /** Keeps group membership alive during a long handler; throws when the group is rebalancing. */
  heartbeat(): Promise<void>;
  /** False once the consumer is stopping: a long handler should give up (its batch is not committed). */
  isRunning(): boolean;
}

export interface PartitionOffset {
  topic: string;
  partition: number;
  /** Decimal string: Kafka offsets are int64. */
  offset: string;
}

export interface PartitionAssignment {
  topic: string;
  partitions: number[];
}

export interface ConsumeOptions {
  groupId: string;
  topics: string[];
  /** Where a group with no committed offset starts: the oldest record (true) or the next new one (default). */
  fromBeginning?: boolean;
  /**
   * Commit offsets after each batch (default true). A table reader that must rebuild its state from the start of
   * a compacted topic on every start sets it false: with `fromBeginning`, each start then reads the whole log.
   */
  commit?: boolean;
  /**
   * Called per batch; offsets of the batch are committed only after it resolves. If it throws, the batch is retried
   * (with backoff) from the first uncommitted record and the loop keeps running.
   */
  handleBatch(batch: RecordBatch, ctx: BatchContext): Promise<void>;
  /**
   * How many of this member's partitions may have a batch in the handler at once (default 1). A partition's batches
   * are still handled one at a time, in offset order, each committed only after its handler resolved; so ordering per
   * key holds, and one partition's I/O can overlap another's.
   */
  partitionsConcurrently?: number;
  /**
   * Called with this member's whole assignment each time it changes; no batch is handled until it resolves. If it
   * throws, it is retried (with backoff) before the next batch.
   */
  onAssigned?(assignment: PartitionAssignment[]): void | Promise<void>;
}

export interface Consumer {
  /** Waits for the batch in flight, leaves the group. Uncommitted records go to the next owner. */
  stop(): Promise<void>;
}

/** The event log port (DESIGN §2): Kafka in production, in-memory in embedded mode. */
export interface EventLog {
  /** Creates missing topics; fails when an existing one has another partition count or cleanup policy. */
  ensureTopics(specs: TopicSpec[]): Promise<void>;
  /** Specs of the named topics that exist (missing ones are left out). */
  describeTopics(names: string[]): Promise<TopicSpec[]>;
  /**
   * Per partition of each named topic that exists, the offset the next appended record will get (Kafka's high
   * watermark), as a decimal string: a reader that must have caught up with a topic as it stands now (a table
   * restored at start) has done so once it handled the record before that offset in every partition.
   */
  endOffsets(topics: string[]): Promise<PartitionOffset[]>;
  producer(): Promise<Producer>;
  consume(opts: ConsumeOptions): Promise<Consumer>;
  /** Stops every consumer and closes every producer this log created. */
  close(): Promise<void>;
}

/** The subset of a pino logger the bus uses. */
export interface BusLogger {
  error(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}
