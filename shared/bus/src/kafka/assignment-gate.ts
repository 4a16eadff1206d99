import type { PartitionAssignment } from '../types';

type OnAssigned = (assignment: PartitionAssignment[]) => void | Promise<void>;

/**
 * Runs `onAssigned` when kafkajs reports a new assignment and lets batches wait for it: kafkajs fires its
 * GROUP_JOIN listeners without awaiting them, but a rule-worker must rebuild its state before it handles a batch.
 */
export class AssignmentGate {
  private assignment: PartitionAssignment[] = [];
  private run: Promise<void> = Promise.resolve();

  constructor(private readonly onAssigned: OnAssigned | undefined) {}

  assigned(memberAssignment: Record<string, number[]>): void {
    this.assignment = Object.entries(memberAssignment)
      .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
    this.start();
  }

  /** The current run of `onAssigned`; rejects when it failed (call `retry()` then). */
  ready(): Promise<void> {
    return this.run;
  }

  retry(): void {
    this.start();
  }

  private start(): void {
    const onAssigned = this.onAssigned;
    if (!onAssigned) return;
    const assignment = this.assignment;
    this.run = Promise.resolve().then(() => onAssigned(assignment));
    // Nobody may be waiting yet (no batch fetched): mark the rejection handled; `ready()` still rejects.
    this.run.catch(() => undefined);
  }
}
