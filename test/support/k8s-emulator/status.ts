import type { ResourceType } from './registry';

/** A metav1.Status cause, as the API server puts it in `details.causes`. */
export interface StatusCause {
  type: string;
  message: string;
  field?: string;
}

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  code: number;
  details?: { name?: string; group?: string; kind?: string; causes?: StatusCause[] };
}

/** A request that ends in a Status response; thrown inside handlers and rendered by the server. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusBody['details'],
  ) {
    super(message);
  }

  toBody(): StatusBody {
    const body: StatusBody = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) body.details = this.details;
    return body;
  }
}

/** The reason the API server uses for a bare HTTP code (k8s.io/apimachinery/pkg/api/errors). */
export function reasonForCode(code: number): string {
  const reasons: Record<number, string> = {
    400: 'BadRequest',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    405: 'MethodNotAllowed',
    409: 'Conflict',
    410: 'Expired',
    415: 'UnsupportedMediaType',
    422: 'Invalid',
    429: 'TooManyRequests',
    500: 'InternalError',
    503: 'ServiceUnavailable',
    504: 'Timeout',
  };
  return reasons[code] ?? (code >= 500 ? 'InternalError' : 'Unknown');
}

const qualified = (t: ResourceType): string => (t.group ? `${t.plural}.${t.group}` : t.plural);
const details = (t: ResourceType, name: string) => ({ name, group: t.group, kind: t.plural });

export const notFound = (t: ResourceType, name: string): StatusError =>
  new StatusError(404, 'NotFound', `${qualified(t)} "${name}" not found`, details(t, name));

export const pathNotFound = (): StatusError =>
  new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});

export const alreadyExists = (t: ResourceType, name: string): StatusError =>
  new StatusError(409, 'AlreadyExists', `${qualified(t)} "${name}" already exists`, details(t, name));

export const staleConflict = (t: ResourceType, name: string): StatusError =>
  new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(t)} "${name}": the object has been modified; ` +
      'please apply your changes to the latest version and try again',
    details(t, name),
  );

export const preconditionConflict = (t: ResourceType, name: string, what: string): StatusError =>
  new StatusError(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${qualified(t)} "${name}": Precondition failed: ${what}`,
    details(t, name),
  );

export function invalid(kind: string, name: string, causes: StatusCause[], group = ''): StatusError {
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join(', ');
  return new StatusError(422, 'Invalid', `${kind} "${name}" is invalid: ${list}`, {
    name,
    group,
    kind,
    causes,
  });
}

export const badRequest = (message: string): StatusError => new StatusError(400, 'BadRequest', message);

export const unauthorized = (): StatusError => new StatusError(401, 'Unauthorized', 'Unauthorized');

export const expired = (requested: string, oldest: number): StatusError =>
  new StatusError(410, 'Expired', `too old resource version: ${requested} (${oldest})`);

/** Status for an injected fault: the code's conventional reason and a message that names the emulator. */
export const injected = (code: number, message?: string): StatusError =>
  new StatusError(code, reasonForCode(code), message ?? `injected fault (${code})`);
