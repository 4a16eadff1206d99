import type { ProducedRecord, Producer } from '@ztv/bus';
import type { Logger } from '@ztv/telemetry';
import { BackpressureError } from '../http/errors';

export interface GuardedProducerOptions {
  /** A send not acknowledged within this long is answered with BackpressureError. */
  sendTimeoutMs: number;
  retryAfterSeconds: number;
  /** Ids of late-acknowledged records remembered to drop the client's retry of them (FIFO). */
  maxInDoubt: number;
  logger?: Logger;
}

/**
 * Bounds how long a caller waits for Kafka, without turning a timeout into a duplicate.
 *
 * The idempotent kafkajs producer retries a send until the broker takes it, so a send made while Kafka is down
 * neither fails nor returns. After `sendTimeoutMs` the caller gets BackpressureError (HTTP 503 + Retry-After), but
 * the send goes on and may still land. While any such send is unsettled, every new send fails fast (nothing piles
 * up behind it). When it lands, its record ids are remembered, and a later send of the same records (the client
 * retrying what it was refused) skips them: each record reaches the topic once. When it fails, nothing is
 * remembered and the retry produces the records.
 */
export class GuardedProducer implements Producer {
  private readonly unsettled = new Set<Promise<void>>();
  private readonly lateProduced = new Set<string>();

  constructor(
    private readonly inner: Producer,
    private readonly opts: GuardedProducerOptions,
  ) {}

  /** True while a timed-out send has not come back. */
  get stalled(): boolean {
    return this.unsettled.size > 0;
  }

  async send(records: ProducedRecord[]): Promise<void> {
    if (this.stalled) throw this.refusal('a previous send to Kafka has not been acknowledged yet');
    const fresh = records.filter((r) => !this.lateProduced.has(recordId(r)));
    if (fresh.length === 0) return;
    const sending = this.inner.send(fresh);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.opts.sendTimeoutMs)));
    try {
      if ((await Promise.race([sending, timedOut])) !== 'timeout') return;
    } finally {
      clearTimeout(timer);
    }
    this.track(sending, fresh);
    throw this.refusal(`Kafka did not acknowledge the send within ${this.opts.sendTimeoutMs} ms`);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private track(sending: Promise<void>, records: ProducedRecord[]): void {
    this.opts.logger?.warn({ records: records.length, timeoutMs: this.opts.sendTimeoutMs }, 'Kafka send timed out; refusing new events until it settles');
    const entry: Promise<void> = sending.then(
      () => {
        for (const r of records) this.remember(recordId(r));
        this.opts.logger?.info({ records: records.length }, 'a timed-out Kafka send was acknowledged late; accepting events again');
      },
      (err: unknown) => this.opts.logger?.warn({ err, records: records.length }, 'a timed-out Kafka send failed; its records will be produced when retried'),
    );
    this.unsettled.add(entry);
    void entry.finally(() => this.unsettled.delete(entry));
  }

  private remember(id: string): void {
    this.lateProduced.add(id);
    if (this.lateProduced.size > this.opts.maxInDoubt) {
      const oldest = this.lateProduced.values().next();
      if (!oldest.done) this.lateProduced.delete(oldest.value);
    }
  }

  private refusal(message: string): BackpressureError {
    return new BackpressureError(`${message}; retry later`, this.opts.retryAfterSeconds);
  }
}

/** A record's identity: its topic and CloudEvents id (every ztv record carries one), else its key. */
function recordId(r: ProducedRecord): string {
  return `${r.topic}\n${r.headers?.ce_id ?? r.key}`;
}
