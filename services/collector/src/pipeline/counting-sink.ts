import type { DeadLetterInput, Producer } from '@ztv/bus';
import type { ZtvEvent } from '@ztv/events';
import type { Metrics } from '@ztv/telemetry';
import { EventSink } from '../sink';
import type { SourceCounters } from './source-metrics';

/** EventSink that also counts, per envelope `source`, what was produced, dead-lettered or refused. */
export class CountingEventSink extends EventSink {
  constructor(
    producer: Producer,
    opts: { topicPrefix?: string; meshRootNamespace: string; metrics?: Metrics; clock?: () => Date; retryAfterSeconds?: number },
    private readonly counters: SourceCounters,
  ) {
    super(producer, opts);
  }

  override async publish(events: ZtvEvent[], deadLetters: Omit<DeadLetterInput, 'time'>[] = []): Promise<void> {
    try {
      await super.publish(events, deadLetters);
    } catch (err) {
      this.countBySource(events.map((e) => e.source).concat(deadLetters.map((d) => d.source)), 'rejected');
      throw err;
    }
    this.countBySource(events.map((e) => e.source), 'produced');
    this.countBySource(deadLetters.map((d) => d.source), 'deadlettered');
  }

  private countBySource(sources: string[], outcome: 'produced' | 'deadlettered' | 'rejected'): void {
    const n = new Map<string, number>();
    for (const s of sources) n.set(s, (n.get(s) ?? 0) + 1);
    for (const [source, count] of n) this.counters.count(source, outcome, count);
  }
}
