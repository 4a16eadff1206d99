export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface GroupMember {
  readonly topics: readonly string[];
}

export const tpKey = (tp: TopicPartition): string => `${tp.topic}\u0000${tp.partition}`;

/**
 * A consumer group: committed offsets, members in join order, and which member is handling which partition right
 * now (a partition moves to its new owner only after the old owner's batch in flight is done).
 */
export class MemoryGroup {
  readonly committed = new Map<string, number>();
  private members: GroupMember[] = [];
  private readonly busy = new Map<string, GroupMember>();
  /** Bumped on every join and leave: members re-read their assignment when it changes. */
  generation = 0;

  constructor(private readonly changed: () => void) {}

  join(m: GroupMember): void {
    this.members.push(m);
    this.generation += 1;
    this.changed();
  }

  leave(m: GroupMember): void {
    this.members = this.members.filter((x) => x !== m);
    for (const [k, owner] of this.busy) if (owner === m) this.busy.delete(k);
    this.generation += 1;
    this.changed();
  }

  /** Partitions of each topic go round-robin to the members subscribed to it, in join order. */
  assignmentOf(m: GroupMember, partitionCount: (topic: string) => number): TopicPartition[] {
    const out: TopicPartition[] = [];
    for (const topic of m.topics) {
      const eligible = this.members.filter((x) => x.topics.includes(topic));
      const index = eligible.indexOf(m);
      for (let p = index; index >= 0 && p < partitionCount(topic); p += eligible.length)
        out.push({ topic, partition: p });
    }
    return out;
  }

  tryAcquire(tp: TopicPartition, m: GroupMember): boolean {
    const owner = this.busy.get(tpKey(tp));
    if (owner && owner !== m) return false;
    this.busy.set(tpKey(tp), m);
    return true;
  }

  release(tp: TopicPartition, m: GroupMember): void {
    if (this.busy.get(tpKey(tp)) !== m) return;
    this.busy.delete(tpKey(tp));
    this.changed();
  }
}
