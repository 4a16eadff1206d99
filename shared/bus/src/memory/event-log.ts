import { BusClosedError } from '../errors';
import { partitionForKey } from '../partitioner';
import { defaultHandlerRetry, type HandlerRetry } from '../retry';
import type { BusLogger, Consumer, EventLog, ProducedRecord, Producer } from '../types';
import { MemoryBroker } from './broker';
import { MemoryMember } from './member';

export interface MemoryEventLogOptions {
  /** Partition count of a topic used before `ensureTopics` created it (default 1). */
  partitions?: number;
  /** Records kept per partition of a non-compacted topic (default 100 000); older ones are dropped. */
  retainRecordsPerPartition?: number;
  /** Most records handed to one `handleBatch` call (default 500). */
  maxBatchSize?: number;
  handlerRetry?: HandlerRetry;
  logger?: BusLogger;
}

/**
 * The embedded EventLog: Kafka's semantics in one process (the namespace partitioner, consumer groups with
 * committed offsets, redelivery of uncommitted batches), nothing persisted.
 */
export function createMemoryEventLog(opts: MemoryEventLogOptions = {}): EventLog {
  const broker = new MemoryBroker(opts.partitions ?? 1, opts.retainRecordsPerPartition ?? 100_000);
  const settings = {
    maxBatchSize: opts.maxBatchSize ?? 500,
    handlerRetry: opts.handlerRetry ?? defaultHandlerRetry,
    logger: opts.logger,
  };
  const consumers = new Set<Consumer>();
  let closed = false;
  const assertOpen = (): void => {
    if (closed) throw new BusClosedError('event log');
  };

  return {
    async ensureTopics(specs) {
      assertOpen();
      for (const spec of specs) broker.ensure(spec);
    },
    async describeTopics(names) {
      return [...new Set(names)].flatMap((n) => broker.describe(n) ?? []);
    },
    async endOffsets(topics) {
      return [...new Set(topics)]
        .filter((t) => broker.describe(t))
        .flatMap((topic) => broker.topic(topic).partitions.map((log, partition) => ({ topic, partition, offset: String(log.endOffset) })));
    },
    async producer() {
      assertOpen();
      return memoryProducer(broker, () => closed);
    },
    async consume(o) {
      assertOpen();
      const member = new MemoryMember(broker, o, settings);
      const handle: Consumer = {
        async stop() {
          consumers.delete(handle);
          await member.stop();
        },
      };
      consumers.add(handle);
      return handle;
    },
    async close() {
      closed = true;
      await Promise.all([...consumers].map((c) => c.stop()));
    },
  };
}

function memoryProducer(broker: MemoryBroker, logClosed: () => boolean): Producer {
  let closed = false;
  return {
    async send(records: ProducedRecord[]) {
      if (closed || logClosed()) throw new BusClosedError('producer');
      const timestamp = String(Date.now());
      for (const r of records) {
        const topic = broker.topic(r.topic);
        const log = topic.partitions[partitionForKey(r.key, topic.partitions.length)];
        const value = Buffer.from(r.value);
        log?.append({ key: r.key, value, headers: { ...r.headers }, timestamp });
      }
      broker.notify();
    },
    async close() {
      closed = true;
    },
  };
}
