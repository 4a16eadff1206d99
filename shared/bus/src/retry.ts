/** Backoff for a failing batch handler: `initialMs` doubling up to `maxMs`, with ±20% jitter. */
export interface HandlerRetry {
  initialMs: number;
  maxMs: number;
}

export const defaultHandlerRetry: HandlerRetry = { initialMs: 200, maxMs: 30_000 };

export function retryDelayMs(failures: number, policy: HandlerRetry): number {
  const base = Math.min(policy.initialMs * 2 ** Math.max(0, failures - 1), policy.maxMs);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/**
 * Sleeps `ms` in short steps, calling `tick` between them (a Kafka heartbeat), and returns early once
 * `isRunning()` turns false.
 */
export async function sleepWhileRunning(
  ms: number,
  isRunning: () => boolean,
  tick?: () => Promise<void>,
): Promise<void> {
  const until = Date.now() + ms;
  while (isRunning()) {
    const left = until - Date.now();
    if (left <= 0) return;
    await new Promise((r) => setTimeout(r, Math.min(left, 250)));
    if (tick) await tick();
  }
}

export function errorFields(e: unknown): { err: unknown } {
  return { err: e instanceof Error ? { name: e.name, message: e.message, stack: e.stack } : e };
}
