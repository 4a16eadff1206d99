/** The producer could not hand events to Kafka: the caller should retry later (503 + Retry-After). */
export class BackpressureError extends Error {
  override readonly name = 'BackpressureError';
  readonly retry = true;
  constructor(message: string, readonly retryAfterSeconds = 10, options?: { cause?: unknown }) {
    super(message, options);
  }
}
