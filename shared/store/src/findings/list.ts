import { and, desc, eq, gte, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client';
import { InvalidCursorError } from '../errors';
import { findings, type Finding, type FindingStatus, type Severity } from '../schema/index';
import { anyText } from '../sql';

export interface FindingFilters {
  status?: readonly FindingStatus[];
  severity?: readonly Severity[];
  ruleId?: readonly string[];
  area?: readonly string[];
  cluster?: string;
  /** A namespace name, or null for cluster-scoped findings. */
  namespace?: string | null;
  /** Only findings seen (last_seen_at) at or after this time. */
  seenSince?: Date;
  /** Only findings seen (last_seen_at) before this time. */
  seenBefore?: Date;
}

export type FindingSort = 'lastSeen' | 'firstSeen';

export interface ListFindingsOptions {
  /** Newest first by last_seen_at (default) or by first_seen_at. */
  sort?: FindingSort;
  /** Page size, 1 to 500 (default 50). */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface FindingPage {
  items: Finding[];
  /** Opaque; null on the last page. */
  nextCursor: string | null;
}

const sortColumns = { lastSeen: findings.lastSeenAt, firstSeen: findings.firstSeenAt } as const;

/**
 * Findings matching every given filter, newest first, a page at a time. Keyset pagination on (timestamp, id): a page
 * costs the same however deep it is. With sort 'lastSeen' a finding seen again between two page requests moves to the
 * front, so a walk may miss it; 'firstSeen' is stable.
 */
export async function listFindings(
  db: Database,
  filters: FindingFilters = {},
  opts: ListFindingsOptions = {},
): Promise<FindingPage> {
  const sort = opts.sort ?? 'lastSeen';
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 50), 1), 500);
  const column = sortColumns[sort];
  const where: (SQL | undefined)[] = [
    filters.status?.length ? anyText(findings.status, filters.status) : undefined,
    filters.severity?.length ? anyText(findings.severity, filters.severity) : undefined,
    filters.ruleId?.length ? anyText(findings.ruleId, filters.ruleId) : undefined,
    filters.area?.length ? anyText(findings.area, filters.area) : undefined,
    filters.cluster !== undefined ? eq(findings.cluster, filters.cluster) : undefined,
    filters.namespace === null
      ? isNull(findings.namespace)
      : filters.namespace !== undefined
        ? eq(findings.namespace, filters.namespace)
        : undefined,
    filters.seenSince ? gte(findings.lastSeenAt, filters.seenSince) : undefined,
    filters.seenBefore ? lt(findings.lastSeenAt, filters.seenBefore) : undefined,
  ];
  if (opts.cursor !== undefined) {
    const after = decodeCursor(opts.cursor, sort);
    where.push(
      lt(sql`(${column}, ${findings.id})`, sql`(${after.at.toISOString()}::timestamptz, ${after.id})`),
    );
  }

  const rows = await db
    .select()
    .from(findings)
    .where(and(...where))
    .orderBy(desc(column), desc(findings.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? encodeCursor(sort, sort === 'lastSeen' ? last.lastSeenAt : last.firstSeenAt, last.id)
      : null;
  return { items, nextCursor };
}

interface Cursor {
  sort: FindingSort;
  at: Date;
  id: string;
}

function encodeCursor(sort: FindingSort, at: Date, id: string): string {
  return Buffer.from(JSON.stringify([sort, at.getTime(), id])).toString('base64url');
}

function decodeCursor(cursor: string, sort: FindingSort): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError(cursor);
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw new InvalidCursorError(cursor);
  const [s, ms, id] = parsed as unknown[];
  if (s !== sort || typeof ms !== 'number' || !Number.isFinite(ms) || typeof id !== 'string')
    throw new InvalidCursorError(cursor);
  return { sort, at: new Date(ms), id };
}
