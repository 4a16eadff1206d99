import kafkajs, { type ICustomPartitioner, type PartitionMetadata } from 'kafkajs';
import { partitionPartOfKey } from '@ztv/events';

const { Partitioners } = kafkajs;

/**
 * The namespace partitioner (DESIGN §3): Kafka's murmur2 default partitioner applied to the partition part of the
 * key only, so `<cluster>/<ns>/<kind>/<name>` lands on the partition of `<cluster>/<ns>` and topics co-partition.
 */
export const namespacePartitioner: ICustomPartitioner = () => {
  const murmur2 = Partitioners.DefaultPartitioner();
  return (args) => {
    const key = args.message.key;
    if (key === null || key === undefined) return murmur2(args);
    return murmur2({ ...args, message: { ...args.message, key: partitionPartOfKey(key.toString()) } });
  };
};

const keyedPartition = namespacePartitioner();
const metadataCache = new Map<number, PartitionMetadata[]>();

/** The partition `namespacePartitioner` picks for `key` in a topic of `partitions` partitions. */
export function partitionForKey(key: string, partitions: number): number {
  let partitionMetadata = metadataCache.get(partitions);
  if (!partitionMetadata) {
    partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
      partitionErrorCode: 0,
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
    }));
    metadataCache.set(partitions, partitionMetadata);
  }
  // Keyed records never reach the partitioner's round-robin state, so one shared instance is deterministic.
  return keyedPartition({ topic: '', partitionMetadata, message: { key, value: null } });
}
