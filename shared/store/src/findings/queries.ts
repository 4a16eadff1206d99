import { asc, eq } from 'drizzle-orm';
import type { Database } from '../client';
import { findingEvents, findings, type Finding, type FindingEvent } from '../schema/index';

export async function getFinding(db: Database, id: string): Promise<Finding | undefined> {
  const [row] = await db.select().from(findings).where(eq(findings.id, id));
  return row;
}

export async function getFindingByFingerprint(
  db: Database,
  fingerprint: string,
): Promise<Finding | undefined> {
  const [row] = await db.select().from(findings).where(eq(findings.fingerprint, fingerprint));
  return row;
}

/** A finding's history, oldest first (rows written in one batch share `at`; the id keeps their order). */
export async function findingHistory(db: Database, findingId: string): Promise<FindingEvent[]> {
  return db
    .select()
    .from(findingEvents)
    .where(eq(findingEvents.findingId, findingId))
    .orderBy(asc(findingEvents.at), asc(findingEvents.id));
}
