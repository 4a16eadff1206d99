import type { AuditData } from '@ztv/events';

/** The identity that acted: the impersonated user when there is one, else the authenticated user. */
export function actingPrincipal(a: AuditData): string | undefined {
  return a.impersonatedUser?.username ?? a.user.username;
}

/** True when the API server refused the request (a refused request changed nothing). */
export function wasRefused(a: AuditData): boolean {
  const code = a.responseStatus?.code;
  return code !== undefined && code >= 400;
}

/** True for dry-run requests, which persist nothing. */
export function isDryRun(a: AuditData): boolean {
  return /[?&]dryRun=/.test(a.requestURI);
}

export { principalAllowed } from '../../engine/exceptions';
