import { describe, expect, it } from 'vitest';
import { createMemoryEventLog } from '@ztv/bus';
import { topicNames } from '@ztv/events';
import { createLogger } from '@ztv/telemetry';
import { Alerter } from './alerter';
import { makeSignal } from './testing/signals';

const logger = createLogger({ name: 'alerter-test', level: 'silent' });

describe('Alerter', () => {
  it('applies a batch, then hands its result to onTransitions', async () => {
    const eventLog = createMemoryEventLog();
    const applied: string[][] = [];
    const handed: number[][] = [];
    const alerter = new Alerter<number>({
      eventLog,
      logger,
      groupId: 'g',
      applySignals: async (signals) => {
        applied.push(signals.map((s) => s.eventId));
        return signals.map((_, i) => i);
      },
      onTransitions: async (t) => void handed.push(t),
    });
    await alerter.start();
    const producer = await eventLog.producer();
    const s = makeSignal({ event: 'e1' });
    await producer.send([{ topic: topicNames().signals, key: 'prod-eu1/payments', value: JSON.stringify(s) }]);
    await expect.poll(() => handed, { timeout: 5_000 }).toEqual([[0]]);
    expect(applied).toEqual([['e1']]);
    await alerter.stop();
    await eventLog.close();
  });

  it('works on several partitions at once when asked, applying each finding\'s signals in order', async () => {
    // Two partitions and small batches: several batches per partition, and batches of both in flight at once.
    const eventLog = createMemoryEventLog({ partitions: 2, maxBatchSize: 3 });
    const namespaces = Array.from({ length: 8 }, (_, i) => `ns-${i}`);
    const signals = [0, 1, 2, 3].flatMap((n) => namespaces.map((namespace) => makeSignal({ namespace, event: `e${n}` })));
    const applied = new Map<string, string[]>();
    let inFlight = 0;
    let most = 0;
    const alerter = new Alerter<never>({
      eventLog,
      logger,
      groupId: 'g',
      partitionsConcurrently: 2,
      applySignals: async (batch) => {
        inFlight++;
        most = Math.max(most, inFlight);
        // Give the other partition's batch time to arrive while this one is "in Postgres".
        await new Promise((r) => setTimeout(r, 20));
        for (const s of batch) applied.set(s.fingerprint, [...(applied.get(s.fingerprint) ?? []), s.eventId]);
        inFlight--;
        return [];
      },
    });
    await alerter.start();
    const producer = await eventLog.producer();
    // Keyed by fingerprint, as the rule-worker keys signals.
    await producer.send(
      signals.map((s) => ({ topic: topicNames().signals, key: s.fingerprint, value: JSON.stringify(s) })),
    );
    await expect.poll(() => [...applied.values()].flat().length, { timeout: 5_000 }).toBe(signals.length);
    expect(most).toBe(2);
    for (const events of applied.values()) expect(events).toEqual(['e0', 'e1', 'e2', 'e3']);
    await alerter.stop();
    await eventLog.close();
  });

  it('runs its tick at start and then periodically, survives a failing run, and stops with stop()', async () => {
    const eventLog = createMemoryEventLog();
    let runs = 0;
    const alerter = new Alerter<never>({
      eventLog,
      logger,
      groupId: 'g',
      applySignals: async () => [],
      tick: {
        intervalMs: 10,
        run: async () => {
          runs++;
          if (runs === 2) throw new Error('database unreachable');
        },
      },
    });
    await alerter.start();
    await expect.poll(() => runs, { timeout: 5_000 }).toBeGreaterThanOrEqual(4);
    await alerter.stop();
    const stoppedAt = runs;
    await new Promise((r) => setTimeout(r, 50));
    expect(runs).toBe(stoppedAt);
    await eventLog.close();
  });
});
