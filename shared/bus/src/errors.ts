interface BusErrorOptions {
  retry: boolean;
  context?: Record<string, unknown>;
  cause?: unknown;
}

/** Base of the bus's errors: `retry` says whether trying the same call again can succeed. */
export class BusError extends Error {
  override readonly name: string = 'BusError';
  readonly retry: boolean;
  readonly context: Record<string, unknown>;

  constructor(message: string, opts: BusErrorOptions) {
    super(message, { cause: opts.cause });
    this.retry = opts.retry;
    this.context = opts.context ?? {};
  }
}

/** An existing topic differs from its spec; ztv never repartitions or reconfigures a topic behind people's back. */
export class TopicMismatchError extends BusError {
  override readonly name = 'TopicMismatchError';
  constructor(message: string, context: Record<string, unknown>) {
    super(message, { retry: false, context });
  }
}

/** The producer, consumer or log was closed. */
export class BusClosedError extends BusError {
  override readonly name = 'BusClosedError';
  constructor(what: string) {
    super(`${what} is closed`, { retry: false });
  }
}
