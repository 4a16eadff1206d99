import { z } from 'zod';

/** W3C trace context (version 00): payloads carry it so a job's span continues the trace that enqueued it. */
export const traceparent = z
  .string()
  .regex(/^00-[\da-f]{32}-[\da-f]{16}-[\da-f]{2}$/, 'a W3C traceparent such as 00-<32 hex>-<16 hex>-01');

export function traceparentOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || !('traceparent' in data)) return undefined;
  return typeof data.traceparent === 'string' ? data.traceparent : undefined;
}
