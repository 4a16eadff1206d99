import { TopicMismatchError } from './errors';
import type { TopicSpec } from './types';

/** Throws TopicMismatchError when an existing topic differs from its spec in a way that breaks ztv. */
export function assertTopicMatches(spec: TopicSpec, actual: TopicSpec | undefined): void {
  if (!actual) {
    throw new TopicMismatchError(`topic ${spec.name} does not exist after creating it`, { topic: spec.name });
  }
  if (actual.partitions !== spec.partitions) {
    // Keys map to partitions by hash modulo the count, so a different count breaks co-partitioning.
    throw new TopicMismatchError(
      `topic ${spec.name} has ${actual.partitions} partitions but ztv is configured for ${spec.partitions}; ` +
        `all ztv topics must share one partition count (set ZTV_PARTITIONS to ${actual.partitions}, or recreate the topics)`,
      { topic: spec.name, expected: spec.partitions, actual: actual.partitions },
    );
  }
  if (Boolean(actual.compacted) !== Boolean(spec.compacted)) {
    const want = spec.compacted ? 'compact' : 'delete';
    throw new TopicMismatchError(
      `topic ${spec.name} has cleanup.policy=${actual.compacted ? 'compact' : 'delete'} but ztv needs ${want}; ` +
        `fix it with: kafka-configs --alter --entity-type topics --entity-name ${spec.name} --add-config cleanup.policy=${want}`,
      {
        topic: spec.name,
        expectedCompacted: Boolean(spec.compacted),
        actualCompacted: Boolean(actual.compacted),
      },
    );
  }
}
