export type {
  BatchContext,
  BusLogger,
  ConsumeOptions,
  ConsumedRecord,
  Consumer,
  EventLog,
  PartitionAssignment,
  PartitionOffset,
  ProducedRecord,
  Producer,
  RecordBatch,
  TopicSpec,
} from './types';
export { BusError, BusClosedError, TopicMismatchError } from './errors';
export type { HandlerRetry } from './retry';
export { encodeEvent, deadLetterRecord, topicSpecs, type DeadLetterInput } from './records';
export { createKafkaEventLog, type KafkaEventLogOptions } from './kafka/event-log';
export { fetchSettledTopicOffsets, type TopicOffsets } from './kafka/topics';
export type { KafkaConsumerTuning } from './kafka/consumer';
export { createMemoryEventLog, type MemoryEventLogOptions } from './memory/event-log';
export { decodeRecord, type Decoded } from './decode';
