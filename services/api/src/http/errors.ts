import type { ErrorBody } from '../schemas/common';

/** An answer other than success, with its HTTP status; everything a handler throws on purpose is one of these. */
export class ApiError extends Error {
  readonly retry: boolean;

  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly extra: Pick<ErrorBody, 'issues' | 'details'> = {},
    options?: { cause?: unknown; headers?: Record<string, string> },
  ) {
    super(message, options);
    this.name = 'ApiError';
    this.retry = statusCode >= 500 || statusCode === 408 || statusCode === 429;
    this.headers = options?.headers ?? {};
  }

  readonly headers: Record<string, string>;

  body(): ErrorBody {
    return { error: this.code, message: this.message, ...this.extra };
  }
}

export const notFound = (what: string, id: string) => new ApiError(404, 'not_found', `${what} ${id} does not exist`);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new ApiError(409, 'conflict', message, details ? { details } : {});
export const badRequest = (message: string) => new ApiError(400, 'bad_request', message);
