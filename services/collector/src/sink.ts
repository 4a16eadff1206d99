import { deadLetterRecord, encodeEvent, type DeadLetterInput, type ProducedRecord, type Producer } from '@ztv/bus';
import { isGlobalResource, topicNames, type TopicNames, type ZtvEvent } from '@ztv/events';
import { currentTraceparent, inSpan, SpanKind, type Metrics } from '@ztv/telemetry';
import { BackpressureError } from './http/errors';

/**
 * Where every source hands its events: encodes them for their topics (resources that reach every namespace also
 * to the global table) and sends them with dead letters in one acknowledged batch. A producer failure becomes
 * BackpressureError, so HTTP sources answer 503 + Retry-After and nothing accepted is lost.
 */
export class EventSink {
  readonly topics: TopicNames;

  constructor(
    private readonly producer: Producer,
    private readonly opts: { topicPrefix?: string; meshRootNamespace: string; metrics?: Metrics; clock?: () => Date; retryAfterSeconds?: number },
  ) {
    this.topics = topicNames(opts.topicPrefix);
  }

  publish(events: ZtvEvent[], deadLetters: Omit<DeadLetterInput, 'time'>[] = []): Promise<void> {
    // One PRODUCER span per batch; every record carries its traceparent, so consumers continue this trace.
    return inSpan('collector produce', { kind: SpanKind.PRODUCER, attributes: { 'ztv.events': events.length } }, () => this.send(events, deadLetters));
  }

  private async send(events: ZtvEvent[], deadLetters: Omit<DeadLetterInput, 'time'>[]): Promise<void> {
    const traceparent = currentTraceparent();
    const records: ProducedRecord[] = [];
    for (const e of events) {
      const r = encodeEvent(this.topics, e, traceparent);
      records.push(r);
      if (isGlobalResource(e, this.opts.meshRootNamespace)) records.push({ ...r, topic: this.topics.global });
    }
    const time = this.opts.clock?.() ?? new Date();
    for (const d of deadLetters) records.push(deadLetterRecord(this.topics, { ...d, time }));
    if (!records.length) return;
    try {
      await this.producer.send(records);
    } catch (err) {
      if (err instanceof BackpressureError) throw err;
      throw new BackpressureError('the event log did not accept the events; retry later', this.opts.retryAfterSeconds ?? 10, { cause: err });
    }
    for (const r of records) this.opts.metrics?.produced.inc({ topic: r.topic });
    for (const d of deadLetters) this.opts.metrics?.deadLettered.inc({ stage: d.stage });
  }
}
