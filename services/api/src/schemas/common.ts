import { z } from 'zod';
import { apiTokenRoles, findingStatuses, severities } from '@ztv/store';

/** An RFC 3339 time as the API writes it (UTC, milliseconds). */
export const isoTime = z.iso.datetime({ offset: true });
export const roleSchema = z.enum(apiTokenRoles);
export const severitySchema = z.enum(severities);
export const findingStatusSchema = z.enum(findingStatuses);

/** A list in a query string: repeated (`?a=x&a=y`) or comma-separated (`?a=x,y`). */
export function listParam<T extends z.ZodType>(item: T) {
  return z.preprocess(
    (v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : Array.isArray(v) ? v.flatMap((s) => String(s).split(',')).filter(Boolean) : v),
    z.array(item).max(50),
  );
}

export const idParams = z.object({ id: z.string().min(1).max(64) });

/** Every error answer. */
export const errorBody = z.object({
  error: z.string().describe('machine-readable code: bad_request, unauthorized, forbidden, not_found, conflict, sql_refused, ...'),
  message: z.string().describe('what went wrong, for a person'),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type ErrorBody = z.infer<typeof errorBody>;

export const okBody = z.object({ ok: z.literal(true) });
