import { retryAfterMsOf } from './errors';

/** Exponential backoff with jitter: attempt n waits delayMs·2^(n-1), capped at maxDelayMs, minus up to `jitter` of it. */
export interface BackoffPolicy {
  delayMs: number;
  maxDelayMs: number;
  /** 0 = no jitter; 0.5 = wait between 50% and 100% of the exponential delay (spreads retries after an outage). */
  jitter: number;
}

/**
 * Delay before the attempt after `failedAttempt` (1-based). An error carrying `retryAfterMs` (RetryAfterError) sets
 * the delay exactly: "not before" is the server's contract, so no jitter is taken off it.
 */
export function retryDelayMs(
  policy: BackoffPolicy,
  failedAttempt: number,
  err: unknown,
  random: () => number = Math.random,
): number {
  const asked = retryAfterMsOf(err);
  if (asked !== undefined) return Math.ceil(asked);
  const exponential = Math.min(policy.maxDelayMs, policy.delayMs * 2 ** Math.max(0, failedAttempt - 1));
  return Math.round(exponential * (1 - policy.jitter * random()));
}
