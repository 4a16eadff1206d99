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
