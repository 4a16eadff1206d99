import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './backoff';
import { jobCatalog } from './catalog';
import { RetryableError, RetryAfterError } from './errors';
import { fromBullJobId, toBullJobId } from './bullmq';

const policy = { delayMs: 1000, maxDelayMs: 5000, jitter: 0.5 };

describe('retryDelayMs', () => {
  it('doubles per attempt, caps, and takes at most `jitter` off', () => {
    expect([1, 2, 3, 4].map((a) => retryDelayMs(policy, a, new RetryableError('x'), () => 0))).toEqual([
      1000, 2000, 4000, 5000,
    ]);
    expect(retryDelayMs(policy, 2, new Error('x'), () => 1)).toBe(1000);
    for (let i = 0; i < 50; i++) {
      const d = retryDelayMs(policy, 3, undefined);
      expect(d).toBeGreaterThanOrEqual(2000);
      expect(d).toBeLessThanOrEqual(4000);
    }
  });

  it('uses exactly the delay a RetryAfterError asks for, even beyond the cap', () => {
    expect(retryDelayMs(policy, 1, new RetryAfterError(30_000), () => 1)).toBe(30_000);
    expect(retryDelayMs(policy, 1, new RetryAfterError(-5), () => 1)).toBe(0);
  });
});

describe('job catalog', () => {
  it('names every entry by its key and retries within sane bounds', () => {
    for (const [key, def] of Object.entries(jobCatalog)) {
      expect(def.job).toBe(key);
      expect(def.attempts).toBeGreaterThanOrEqual(1);
      expect(def.backoff.maxDelayMs).toBeGreaterThanOrEqual(def.backoff.delayMs);
    }
  });
});

describe('BullMQ job ids', () => {
  it('escapes ":" (refused by BullMQ) one-to-one', () => {
    for (const id of ['notify:oncall:abc:trigger:3:slack-0', 'a%3Ab', '%', 'x:%:y']) {
      expect(toBullJobId(id)).not.toContain(':');
      expect(fromBullJobId(toBullJobId(id))).toBe(id);
    }
  });
});
