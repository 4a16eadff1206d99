import { isRetryable, UnrecoverableJobError, type JobContext } from '@ztv/jobs';
import { contextFrom, inSpan, SpanKind } from '@ztv/telemetry';
import type { Receiver } from './config';
import type { DeliveryAttempt } from './recorder';
import type { RoutingConfig } from './routing';

/* What the single and the group delivery workers share about one attempt: its span, its receiver, its failure. */

/** The routing config as a getter (a reloaded config takes effect on the next attempt). */
export function routingGetter(routing: RoutingConfig | (() => RoutingConfig)): () => RoutingConfig {
  return typeof routing === 'function' ? routing : () => routing;
}

/** One span per attempt, continuing the trace of the transition that queued the notification. */
export function inAttemptSpan<T>(
  name: string,
  p: { receiver: string; integration: string },
  ctx: JobContext,
  fn: () => Promise<T>,
): Promise<T> {
  return inSpan(
    name,
    {
      parent: contextFrom(ctx.traceparent),
      kind: SpanKind.CLIENT,
      attributes: {
        'ztv.receiver': p.receiver,
        'ztv.integration': p.integration,
        'ztv.attempt': ctx.attempt,
      },
    },
    fn,
  );
}

/** The receiver a job names, or an unrecoverable error when the config no longer has it. */
export function receiverFor(routing: RoutingConfig, name: string): Receiver {
  const receiver = routing.receivers.get(name);
  if (!receiver) throw new UnrecoverableJobError(`receiver "${name}" is not configured`);
  return receiver;
}

/**
 * What a failed attempt records: `failed` when no attempt follows (not retryable, or the last), else `retrying`,
 * with the status code the error carries and its message.
 */
export function failedAttempt(
  err: unknown,
  ctx: JobContext,
): Pick<DeliveryAttempt, 'status' | 'statusCode' | 'error'> & { final: boolean; error: string } {
  const final = !isRetryable(err) || ctx.attempt >= ctx.maxAttempts;
  const statusCode = (err as { context?: { statusCode?: unknown } }).context?.statusCode;
  const error = err instanceof Error ? err.message : String(err);
  return {
    final,
    status: final ? 'failed' : 'retrying',
    ...(typeof statusCode === 'number' ? { statusCode } : {}),
    error,
  };
}
