import { and, asc, eq, gte, inArray, isNull, notExists, sql } from 'drizzle-orm';
import type { Database } from '../client';
import { findingEvents, findings, notifications, type Finding, type FindingEventKind } from '../schema/index';
import { anyText } from '../sql';
import { signalActor } from './fold';
import type { Transition, TransitionKind } from './transition';

/** The status changes a receiver hears about. */
export type NotifiableKind = 'opened' | 'reopened' | 'unsuppressed' | 'resolved' | 'acknowledged';

/**
 * A recorded status change with what a notification about it needs: the finding_events row (its id orders a
 * finding's changes and makes notification job ids unique and replay-stable; its time; who did it) and the finding.
 */
export interface RecordedChange {
  kind: NotifiableKind;
  eventId: number;
  at: Date;
  actor: string | null;
  finding: Finding;
}

// The finding_events kind each transition is recorded as (a damped refire is a 'reopened' row with data.flapped).
const eventKindOf: Record<TransitionKind, FindingEventKind> = {
  opened: 'opened',
  reopened: 'reopened',
  flapped: 'reopened',
  resolved: 'resolved',
  suppressed: 'suppressed',
  unsuppressed: 'unsuppressed',
};
const notifiable = (k: TransitionKind): k is TransitionKind & NotifiableKind =>
  k === 'opened' || k === 'reopened' || k === 'unsuppressed' || k === 'resolved';

/**
 * The notifiable transitions (opened, reopened, unsuppressed, resolved), in order, with their event rows and findings.
 * Call it in the transaction that made them. Transitions that carry eventId and finding (applySignals, resolveQuiet)
 * are taken as they are; others are looked up: by signal id, else (silence changes) as the finding's latest event of
 * that kind, which that transaction just wrote.
 */
export async function recordedChanges(
  db: Database,
  transitions: readonly Transition[],
): Promise<RecordedChange[]> {
  const wanted = transitions.filter((t) => notifiable(t.kind));
  // applySignals and resolveQuiet hand over the event id and the row: nothing to look up.
  const missing = wanted.filter((t) => t.eventId === undefined || !t.finding);
  const signalIds = missing.flatMap((t) => (t.signalId ? [t.signalId] : []));
  const unsigned = missing.filter((t) => !t.signalId);
  const columns = {
    id: findingEvents.id,
    signalId: findingEvents.signalId,
    findingId: findingEvents.findingId,
    kind: findingEvents.kind,
    actor: findingEvents.actor,
    at: findingEvents.at,
    finding: findings,
  };
  const bySignal = new Map<string, Row>();
  if (signalIds.length) {
    const rows = await db
      .select(columns)
      .from(findingEvents)
      .innerJoin(findings, eq(findings.id, findingEvents.findingId))
      .where(anyText(findingEvents.signalId, signalIds));
    for (const r of rows) if (r.signalId) bySignal.set(r.signalId, r);
  }
  const latest = new Map<string, Row>();
  if (unsigned.length) {
    const rows = await db
      .selectDistinctOn([findingEvents.findingId, findingEvents.kind], columns)
      .from(findingEvents)
      .innerJoin(findings, eq(findings.id, findingEvents.findingId))
      .where(
        and(
          anyText(
            findingEvents.findingId,
            unsigned.map((t) => t.findingId),
          ),
          inArray(findingEvents.kind, [...new Set(unsigned.map((t) => eventKindOf[t.kind]))]),
          isNull(findingEvents.signalId),
        ),
      )
      .orderBy(findingEvents.findingId, findingEvents.kind, sql`${findingEvents.id} desc`);
    for (const r of rows) latest.set(`${r.findingId}/${r.kind}`, r);
  }
  return wanted.flatMap((t) => {
    if (t.eventId !== undefined && t.finding)
      return [
        {
          kind: t.kind as NotifiableKind,
          eventId: t.eventId,
          at: t.at,
          actor: signalActor,
          finding: t.finding,
        },
      ];
    const r = t.signalId ? bySignal.get(t.signalId) : latest.get(`${t.findingId}/${eventKindOf[t.kind]}`);
    return r
      ? [{ kind: t.kind as NotifiableKind, eventId: r.id, at: r.at, actor: r.actor, finding: r.finding }]
      : [];
  });
}
type Row = {
  id: number;
  signalId: string | null;
  findingId: string;
  kind: FindingEventKind;
  actor: string | null;
  at: Date;
  finding: Finding;
};

/**
 * What people did through the API (acknowledged, resolved, unsuppressed) since `since` that has no notification yet,
 * oldest first: the alerter notifies on these, so the API needs neither the routing config nor the job queue. A change
 * that routes nowhere is offered again on each call until it is older than `since`.
 */
export async function personChangesToNotify(
  db: Database,
  opts: { since: Date; limit: number },
): Promise<RecordedChange[]> {
  const rows = await db
    .select({
      id: findingEvents.id,
      kind: findingEvents.kind,
      actor: findingEvents.actor,
      at: findingEvents.at,
      finding: findings,
    })
    .from(findingEvents)
    .innerJoin(findings, eq(findings.id, findingEvents.findingId))
    .where(
      and(
        // A literal, as in the partial index finding_events_person_idx, so the planner can use it.
        sql`${findingEvents.actor} <> ${sql.raw(`'${signalActor}'`)}`,
        gte(findingEvents.at, opts.since),
        inArray(findingEvents.kind, ['acknowledged', 'resolved', 'unsuppressed']),
        notExists(
          db
            .select({ one: sql`1` })
            .from(notifications)
            .where(
              and(
                eq(notifications.findingId, findingEvents.findingId),
                eq(notifications.transitionSeq, findingEvents.id),
              ),
            ),
        ),
      ),
    )
    .orderBy(asc(findingEvents.id))
    .limit(opts.limit);
  return rows.map((r) => ({
    kind: r.kind as NotifiableKind,
    eventId: r.id,
    at: r.at,
    actor: r.actor,
    finding: r.finding,
  }));
}
