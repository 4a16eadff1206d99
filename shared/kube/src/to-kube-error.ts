import { ApiException } from '@kubernetes/client-node';
import {
  KubeAlreadyExistsError,
  KubeApplyConflictError,
  KubeBadRequestError,
  KubeClientError,
  KubeConflictError,
  KubeError,
  KubeForbiddenError,
  KubeGoneError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeServerError,
  KubeTimeoutError,
  KubeTooManyRequestsError,
  KubeUnauthorizedError,
  KubeUnavailableError,
  type KubeStatus,
} from './errors';

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);
const TIMED_OUT = new Set(['ETIMEDOUT', 'ESOCKETTIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** client-node hands error bodies over as text (or undefined); a Status is JSON with kind: Status. */
function parseStatus(body: unknown): KubeStatus | undefined {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return undefined;
    }
  }
  if (typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'Status') {
    return value as KubeStatus;
  }
  return undefined;
}

function retryAfter(
  headers: Record<string, string> | undefined,
  status: KubeStatus | undefined,
): number | undefined {
  const header = headers?.['retry-after'];
  if (header !== undefined && /^\d+$/.test(header)) return Number(header);
  return status?.details?.retryAfterSeconds;
}

function fromHttp(
  httpStatus: number,
  status: KubeStatus | undefined,
  init: { headers?: Record<string, string>; context: Record<string, unknown>; cause: unknown },
): KubeError {
  const message = status?.message ?? `Kubernetes API answered ${httpStatus}`;
  const args = {
    message,
    httpStatus,
    status,
    context: init.context,
    cause: init.cause,
    retryAfterSeconds: retryAfter(init.headers, status),
  };
  const reason = status?.reason;
  switch (httpStatus) {
    case 401:
      return new KubeUnauthorizedError(args);
    case 403:
      return new KubeForbiddenError(args);
    case 404:
      return new KubeNotFoundError(args);
    case 409:
      if (reason === 'AlreadyExists') return new KubeAlreadyExistsError(args);
      if (status?.details?.causes?.some((c) => c.type === 'FieldManagerConflict'))
        return new KubeApplyConflictError(args);
      return new KubeConflictError(args);
    case 410:
      return new KubeGoneError(args);
    case 422:
      return new KubeInvalidError(args);
    case 429:
      return new KubeTooManyRequestsError(args);
    case 504:
      return new KubeTimeoutError(args);
  }
  if (httpStatus >= 500) return reason === 'Timeout' ? new KubeTimeoutError(args) : new KubeServerError(args);
  return new KubeBadRequestError(args);
}

const codeOf = (e: unknown): string | undefined => {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * Maps whatever a client-node call threw (ApiException, a Watch error with statusCode, node-fetch
 * FetchError / AbortError, system errors) onto the KubeError classes, so callers decide on `retry` alone.
 */
export function toKubeError(err: unknown, context: Record<string, unknown> = {}): KubeError {
  if (err instanceof KubeError) return err;
  if (err instanceof ApiException) {
    const e = err as ApiException<unknown>;
    return fromHttp(e.code, parseStatus(e.body), { headers: e.headers, context, cause: err });
  }
  const statusCode = (err as { statusCode?: unknown } | undefined)?.statusCode;
  if (typeof statusCode === 'number') return fromHttp(statusCode, undefined, { context, cause: err });

  const message = err instanceof Error ? err.message : String(err);
  const name = err instanceof Error ? err.name : '';
  const code = codeOf(err) ?? codeOf((err as { cause?: unknown } | undefined)?.cause);
  if (name === 'AbortError' || name === 'TimeoutError' || (code !== undefined && TIMED_OUT.has(code))) {
    return new KubeTimeoutError({
      message: `Kubernetes API call timed out: ${message}`,
      context,
      cause: err,
    });
  }
  if ((code !== undefined && UNREACHABLE.has(code)) || /socket hang up/i.test(message)) {
    return new KubeUnavailableError({
      message: `Kubernetes API unreachable: ${message}`,
      context: { ...context, code },
      cause: err,
    });
  }
  return new KubeClientError({ message, context, cause: err });
}
