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

/** A principal matches an allow-list entry exactly, or by a trailing-* prefix. */
export function principalAllowed(list: string[], principal: string | undefined): boolean {
  if (!principal) return false;
  return list.some((p) => (p.endsWith('*') ? principal.startsWith(p.slice(0, -1)) : p === principal));
}
