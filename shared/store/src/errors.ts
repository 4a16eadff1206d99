/**
 * Another writer changed the same findings while a batch was being applied (two alerters on one partition during a
 * rebalance). The transaction was rolled back and nothing was written; applying the batch again is safe and will
 * skip whatever the other writer already recorded.
 */
export class StoreConflictError extends Error {
  readonly retry = true;

  constructor(
    message: string,
    readonly context: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'StoreConflictError';
  }
}

/** A listFindings cursor that this version did not produce, or that was produced for another sort order. */
export class InvalidCursorError extends Error {
  readonly retry = false;

  constructor(readonly cursor: string) {
    super('invalid pagination cursor');
    this.name = 'InvalidCursorError';
  }
}
