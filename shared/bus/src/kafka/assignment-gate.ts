import type { EachBatchPayload } from 'kafkajs';
import type { PartitionAssignment } from '../types';

type OnAssigned = (assignment: PartitionAssignment[]) => void | Promise<void>;

/** Thrown by `whenReady` when the consumer stops while `onAssigned` is still running. */
export class StoppedWaiting extends Error {}
/** Thrown by `whenReady` when a heartbeat fails (the group is rebalancing); `cause` is kafkajs's error. */
export class HeartbeatFailed extends Error {}

/**
 * Runs `onAssigned` when kafkajs reports a new assignment and lets batches wait for it: kafkajs fires its
 * GROUP_JOIN listeners without awaiting them, but a rule-worker must rebuild its state before it handles a batch.
 */
export class AssignmentGate {
  private assignment: PartitionAssignment[] = [];
  private run: Promise<void> = Promise.resolve();
  private done = true;

  constructor(private readonly onAssigned: OnAssigned | undefined) {}

  assigned(memberAssignment: Record<string, number[]>): void {
    this.assignment = Object.entries(memberAssignment)
      .map(([topic, partitions]) => ({ topic, partitions: [...partitions].sort((a, b) => a - b) }))
      .sort((a, b) => a.topic.localeCompare(b.topic));
    this.retry();
  }

  /** Runs `onAssigned` again for the current assignment (after it failed). */
  retry(): void {
    const onAssigned = this.onAssigned;
    if (!onAssigned) return;
    const assignment = this.assignment;
    this.done = false;
    const run = Promise.resolve().then(() => onAssigned(assignment));
    this.run = run;
    run.then(
      () => void (this.run === run && (this.done = true)),
      () => undefined, // nobody may be waiting yet (no batch fetched); `whenReady` still sees the rejection
    );
  }

  /**
   * Resolves once the current `onAssigned` run succeeded, rejects with its error if it failed. Heartbeats every
   * second meanwhile, so a long state rebuild does not cost the group membership.
   */
  async whenReady(p: EachBatchPayload): Promise<void> {
    if (this.done) return;
    const run = this.run;
    let settled = false;
    const finished = run.finally(() => void (settled = true));
    finished.catch(() => undefined); // awaited below unless a heartbeat fails first
    while (!settled) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([finished, new Promise((r) => (timer = setTimeout(r, 1000)))]).finally(() =>
        clearTimeout(timer),
      );
      if (settled) break;
      if (!p.isRunning()) throw new StoppedWaiting();
      await p
        .heartbeat()
        .catch((e: unknown) => Promise.reject(new HeartbeatFailed('heartbeat failed', { cause: e })));
    }
    await finished;
  }
}
