/** The metav1.Status an API error response carries (when it carries one). */
export interface KubeStatus {
  reason?: string;
  message?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { type?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
}

interface KubeErrorInit {
  message: string;
  /** HTTP status of the response; absent for transport failures. */
  httpStatus?: number;
  status?: KubeStatus;
  /** Seconds the server asked to wait (Retry-After / details.retryAfterSeconds). */
  retryAfterSeconds?: number;
  context?: Record<string, unknown>;
  cause?: unknown;
}

/** A failed Kubernetes API call. `retry` says whether the same call may succeed later (STYLE §6). */
export abstract class KubeError extends Error {
  abstract readonly retry: boolean;
  readonly httpStatus: number | undefined;
  readonly status: KubeStatus | undefined;
  readonly retryAfterSeconds: number | undefined;
  readonly context: Record<string, unknown>;

  constructor(init: KubeErrorInit) {
    super(init.message, { cause: init.cause });
    this.httpStatus = init.httpStatus;
    this.status = init.status;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.context = init.context ?? {};
  }
}

/** 401: the credentials were refused. */
export class KubeUnauthorizedError extends KubeError {
  override readonly name = 'KubeUnauthorizedError';
  readonly retry = false;
}
/** 403: RBAC does not allow the call. */
export class KubeForbiddenError extends KubeError {
  override readonly name = 'KubeForbiddenError';
  readonly retry = false;
}
/** 404: the object, or its API group (a CRD that is not installed), does not exist. */
export class KubeNotFoundError extends KubeError {
  override readonly name = 'KubeNotFoundError';
  readonly retry = false;
}
/** 409 AlreadyExists on create. */
export class KubeAlreadyExistsError extends KubeError {
  override readonly name = 'KubeAlreadyExistsError';
  readonly retry = false;
}
/** 409 Conflict: a stale resourceVersion. Read the object again and retry. */
export class KubeConflictError extends KubeError {
  override readonly name = 'KubeConflictError';
  readonly retry = true;
}
/** 409 from server-side apply: fields owned by another manager would change. Retrying needs `force`. */
export class KubeApplyConflictError extends KubeError {
  override readonly name = 'KubeApplyConflictError';
  readonly retry = false;

  /** The conflicting fields (`.spec.mtls.mode`) and who owns them. */
  get conflicts(): { field: string; message: string }[] {
    return (this.status?.details?.causes ?? []).map((c) => ({
      field: c.field ?? '',
      message: c.message ?? '',
    }));
  }
}
/** 410: the resourceVersion is too old (watch expired). Relist, then watch again. */
export class KubeGoneError extends KubeError {
  override readonly name = 'KubeGoneError';
  readonly retry = true;
}
/** 422 Invalid: the object (or the options) failed validation. */
export class KubeInvalidError extends KubeError {
  override readonly name = 'KubeInvalidError';
  readonly retry = false;
}
/** Another 4xx (400, 405, 415, ...): the request itself is wrong. */
export class KubeBadRequestError extends KubeError {
  override readonly name = 'KubeBadRequestError';
  readonly retry = false;
}
/** 429: throttled (API priority and fairness); honour retryAfterSeconds. */
export class KubeTooManyRequestsError extends KubeError {
  override readonly name = 'KubeTooManyRequestsError';
  readonly retry = true;
}
/** 5xx: the API server (or a webhook behind it) failed. */
export class KubeServerError extends KubeError {
  override readonly name = 'KubeServerError';
  readonly retry = true;
}
/** The call did not finish in time (client timeout, 504, or a server-side Timeout status). */
export class KubeTimeoutError extends KubeError {
  override readonly name = 'KubeTimeoutError';
  readonly retry = true;
}
/** The API server could not be reached (ECONNREFUSED, ECONNRESET, DNS failure, ...). */
export class KubeUnavailableError extends KubeError {
  override readonly name = 'KubeUnavailableError';
  readonly retry = true;
}
/** Anything else the client raised before or after talking to the server (bad kubeconfig, unknown kind). */
export class KubeClientError extends KubeError {
  override readonly name = 'KubeClientError';
  readonly retry = false;
}
