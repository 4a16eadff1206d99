import { assertTopicMatches } from '../topic-check';
import type { TopicSpec } from '../types';
import { PartitionLog } from './partition-log';
import { MemoryGroup } from './group';

export interface MemoryTopic {
  spec: TopicSpec;
  partitions: PartitionLog[];
}

/** The state behind one in-memory EventLog: topics, consumer groups, and a wake-up for idle members. */
export class MemoryBroker {
  private readonly topics = new Map<string, MemoryTopic>();
  private readonly groups = new Map<string, MemoryGroup>();
  private waiters = new Set<() => void>();

  constructor(
    private readonly defaultPartitions: number,
    private readonly retainPerPartition: number,
  ) {}

  ensure(spec: TopicSpec): void {
    const existing = this.topics.get(spec.name);
    if (existing) return assertTopicMatches(spec, existing.spec);
    const compacted = spec.compacted ?? false;
    this.topics.set(spec.name, {
      spec: { name: spec.name, partitions: spec.partitions, compacted, replicationFactor: 1 },
      partitions: Array.from(
        { length: spec.partitions },
        () => new PartitionLog(compacted, this.retainPerPartition),
      ),
    });
  }

  describe(name: string): TopicSpec | undefined {
    return this.topics.get(name)?.spec;
  }

  /** A topic by name; one used before `ensureTopics` is created with the default partition count. */
  topic(name: string): MemoryTopic {
    if (!this.topics.has(name)) this.ensure({ name, partitions: this.defaultPartitions });
    return this.topics.get(name) as MemoryTopic;
  }

  group(id: string): MemoryGroup {
    let g = this.groups.get(id);
    if (!g) this.groups.set(id, (g = new MemoryGroup(() => this.notify())));
    return g;
  }

  /** Wakes every member waiting for records, a membership change or a released partition. */
  notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const w of waiters) w();
  }

  waitForChange(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.waiters.add(done);
    });
  }
}
