import { and, isNotNull, lt, ne, sql } from 'drizzle-orm';
import type { Database } from '../client';
import { findingEvents, findings } from '../schema/index';
import { anyText } from '../sql';
import { signalActor } from './fold';
import type { Transition } from './transition';

/**
 * Resolves findings of event-based rules (those with a quiet period) that have not been seen for their quiet period
 * (DESIGN §4), at most `limit` per call, and returns the transitions. Open, acknowledged and suppressed findings all
 * resolve: the thing stopped happening (previousStatus tells the caller whether anyone was paged). Rows another
 * transaction holds (an alerter applying a fresh occurrence) are skipped, not waited for: they are being seen now.
 */
export async function resolveQuiet(db: Database, now: Date, limit = 1_000): Promise<Transition[]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select()
      .from(findings)
      .where(
        and(
          // Matches the partial index findings_quiet_idx.
          isNotNull(findings.quietPeriodSeconds),
          ne(findings.status, 'resolved'),
          lt(sql`${findings.lastSeenAt} + make_interval(secs => ${findings.quietPeriodSeconds})`, now),
        ),
      )
      .orderBy(findings.lastSeenAt)
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];

    const resolved = await tx
      .update(findings)
      .set({ status: 'resolved', resolvedAt: now, suppressedBy: null, updatedAt: now })
      .where(
        anyText(
          findings.id,
          due.map((f) => f.id),
        ),
      )
      .returning();
    const rows = await tx
      .insert(findingEvents)
      .values(
        due.map((f) => ({
          findingId: f.id,
          kind: 'resolved' as const,
          actor: signalActor,
          at: now,
          data: {
            reason: 'quiet-period',
            quietPeriodSeconds: f.quietPeriodSeconds,
            lastSeenAt: f.lastSeenAt.toISOString(),
          },
        })),
      )
      .returning({ id: findingEvents.id, findingId: findingEvents.findingId });
    const eventOf = new Map(rows.map((r) => [r.findingId, r.id]));
    const rowOf = new Map(resolved.map((r) => [r.id, r]));
    return due.map((f): Transition => ({
      kind: 'resolved',
      findingId: f.id,
      fingerprint: f.fingerprint,
      ruleId: f.ruleId,
      severity: f.severity,
      cluster: f.cluster,
      namespace: f.namespace,
      title: f.title,
      previousStatus: f.status,
      status: 'resolved',
      signalId: null,
      at: now,
      eventId: eventOf.get(f.id),
      finding: rowOf.get(f.id),
    }));
  });
}
