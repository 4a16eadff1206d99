import { randomBytes } from 'node:crypto';
import { sha256Hex, type FlowEvent } from '@ztv/events';
import { flowAggregateKey } from './flow-key';

interface Aggregate {
  first: FlowEvent;
  count: number;
  minTime: string;
}

/** A process-wide nonce: aggregates of two collector replicas never share an id. */
const INSTANCE = randomBytes(8).toString('hex');

/**
 * Folds identical flows (see flowAggregateKey) of one window into one event with `count`. A sealed window's
 * events keep their ids across retries (the caller holds them), so a retried publish is deduplicated by id.
 * An aggregate of one flow keeps the flow's own id (Hubble's uuid).
 */
export class FlowAggregator {
  private open = new Map<string, Aggregate>();
  private folded = 0;
  private seq = 0;
  private windowStart: Date;

  constructor(
    private readonly source: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.windowStart = clock();
  }

  /** Distinct aggregates in the open window. */
  get size(): number {
    return this.open.size;
  }

  /** Flows folded into the open window. */
  get flows(): number {
    return this.folded;
  }

  fold(e: FlowEvent): void {
    const key = flowAggregateKey(e.data);
    const a = this.open.get(key);
    this.folded++;
    if (!a) {
      this.open.set(key, { first: e, count: e.data.count, minTime: e.time });
      return;
    }
    a.count += e.data.count;
    if (Date.parse(e.time) < Date.parse(a.minTime)) a.minTime = e.time;
  }

  /** Closes the window: one event per aggregate, and a new window starts. */
  seal(): FlowEvent[] {
    const start = this.windowStart.toISOString();
    const seq = this.seq++;
    const out: FlowEvent[] = [];
    for (const [key, a] of this.open) {
      if (a.count === a.first.data.count) {
        out.push(a.first);
        continue;
      }
      const id = `flowagg:${sha256Hex(`${INSTANCE}|${this.source}|${start}|${seq}|${key}`).slice(0, 40)}`;
      out.push({ ...a.first, id, time: a.minTime, data: { ...a.first.data, count: a.count } });
    }
    this.open = new Map();
    this.folded = 0;
    this.windowStart = this.clock();
    return out;
  }
}
