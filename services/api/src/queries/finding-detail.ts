import { asc, desc, eq } from 'drizzle-orm';
import { findingHistory, getFinding, notifications, remediations, type Database } from '@ztv/store';

/** A finding with everything the finding page shows; undefined when there is no such finding. */
export async function findingDetail(db: Database, id: string) {
  const finding = await getFinding(db, id);
  if (!finding) return undefined;
  const [history, sent, remediationRows] = await Promise.all([
    findingHistory(db, id),
    db.select().from(notifications).where(eq(notifications.findingId, id)).orderBy(asc(notifications.createdAt), asc(notifications.id)),
    db.select().from(remediations).where(eq(remediations.findingId, id)).orderBy(desc(remediations.createdAt), desc(remediations.id)),
  ]);
  return { finding, history, notifications: sent, remediations: remediationRows };
}
