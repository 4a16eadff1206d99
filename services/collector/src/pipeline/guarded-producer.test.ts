import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryEventLog, type EventLog, type ProducedRecord, type Producer } from '@ztv/bus';
import { BackpressureError } from '../http/errors';
import { GuardedProducer } from './guarded-producer';

let log: EventLog;
afterEach(() => log?.close());

/** The in-memory producer behind a gate that can hold sends, as a broker that went away does. */
async function gated() {
  log = createMemoryEventLog();
  await log.ensureTopics([{ name: 't', partitions: 1 }]);
  const inner = await log.producer();
  let gate: Promise<void> | undefined;
  let open: () => void = () => undefined;
  const producer: Producer = {
    async send(records) {
      if (gate) await gate;
      await inner.send(records);
    },
    close: () => inner.close(),
  };
  return {
    producer,
    hold: () => (gate = new Promise<void>((r) => (open = r))),
    release: () => {
      gate = undefined;
      open();
    },
  };
}

async function topic(): Promise<string[]> {
  const out: string[] = [];
  const c = await log.consume({ groupId: `g${Math.random()}`, topics: ['t'], fromBeginning: true, handleBatch: async (b) => void out.push(...b.records.map((r) => r.headers.ce_id ?? '')) });
  await new Promise((r) => setTimeout(r, 100));
  await c.stop();
  return out;
}

const rec = (id: string): ProducedRecord => ({ topic: 't', key: 'k', value: id, headers: { ce_id: id } });

describe('GuardedProducer', () => {
  it('answers a send Kafka does not acknowledge in time with BackpressureError, then fails fast until it settles', async () => {
    const g = await gated();
    const p = new GuardedProducer(g.producer, { sendTimeoutMs: 400, retryAfterSeconds: 3, maxInDoubt: 100 });
    g.hold();
    const err = await p.send([rec('a'), rec('b')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackpressureError);
    expect((err as BackpressureError).retryAfterSeconds).toBe(3);
    expect(p.stalled).toBe(true);
    const started = Date.now();
    await expect(p.send([rec('c')])).rejects.toBeInstanceOf(BackpressureError);
    // Far below sendTimeoutMs: refused at once, not after waiting for Kafka again (room for a loaded machine).
    expect(Date.now() - started).toBeLessThan(200);
    g.release();
    await expect.poll(() => p.stalled).toBe(false);
    // The client retries what it was refused: what landed late is not produced again, the rest is.
    await p.send([rec('a'), rec('b'), rec('c')]);
    expect((await topic()).sort()).toEqual(['a', 'b', 'c']);
  });

  it('passes a send that is acknowledged in time straight through', async () => {
    const g = await gated();
    const p = new GuardedProducer(g.producer, { sendTimeoutMs: 1000, retryAfterSeconds: 1, maxInDoubt: 100 });
    await p.send([rec('x')]);
    await p.send([rec('x')]);
    expect(await topic()).toEqual(['x', 'x']);
  });
});
