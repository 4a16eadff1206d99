import { describe, expect, it } from 'vitest';
import { jobCatalog, RetryableError, retryDelayMs } from '@ztv/jobs';

describe('notify.deliver retries', () => {
  const def = jobCatalog['notify.deliver'];
  const totalWait = (random: () => number) => {
    let ms = 0;
    for (let failed = 1; failed < def.attempts; failed++)
      ms += retryDelayMs(def.backoff, failed, new RetryableError('503'), random);
    return ms;
  };

  it('keep trying for at least an hour, even when jitter shortens every wait as much as it can', () => {
    expect(totalWait(() => 1)).toBeGreaterThanOrEqual(3_600_000);
    // …and give up within a few hours: a page a day late is not worth sending.
    expect(totalWait(() => 0)).toBeLessThanOrEqual(4 * 3_600_000);
  });
});
