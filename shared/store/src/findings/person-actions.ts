import { eq } from 'drizzle-orm';
import type { Database } from '../client';
import {
  findingEvents,
  findings,
  type Finding,
  type FindingEvent,
  type FindingEventKind,
  type FindingStatus,
} from '../schema/index';

/**
 * The outcome of something a person did to a finding (through the API). Expected refusals are values, not
 * exceptions: `not_found`, or `conflict` when the finding's status does not allow it (the message says why).
 * `changed: false` means it was already so (acknowledging twice is not an error); no history row is written then.
 */
export type FindingActionResult =
  | { ok: true; changed: boolean; finding: Finding; event: FindingEvent | undefined }
  | { ok: false; error: 'not_found' }
  | { ok: false; error: 'conflict'; status: FindingStatus; message: string };

interface Change {
  set: Partial<Finding>;
  kind: FindingEventKind;
  data: Record<string, unknown>;
}
type Decide = (f: Finding) => Change | 'unchanged' | { conflict: string };

/** Locks the finding, decides, and writes the new state plus one finding_events row carrying the actor. */
async function act(
  db: Database,
  id: string,
  actor: string,
  now: Date,
  decide: Decide,
): Promise<FindingActionResult> {
  return db.transaction(async (tx) => {
    const [finding] = await tx.select().from(findings).where(eq(findings.id, id)).for('update');
    if (!finding) return { ok: false, error: 'not_found' } as const;
    const decision = decide(finding);
    if (decision === 'unchanged') return { ok: true, changed: false, finding, event: undefined } as const;
    if ('conflict' in decision)
      return { ok: false, error: 'conflict', status: finding.status, message: decision.conflict } as const;
    const [updated] = await tx
      .update(findings)
      .set({ ...decision.set, updatedAt: now })
      .where(eq(findings.id, id))
      .returning();
    const [event] = await tx
      .insert(findingEvents)
      .values({ findingId: id, kind: decision.kind, actor, at: now, data: decision.data })
      .returning();
    return { ok: true, changed: true, finding: updated!, event: event! } as const;
  });
}

/**
 * open → acknowledged: someone is on it. Paged receivers are told (PagerDuty acknowledges its incident); a refire
 * after resolution opens it again, unacknowledged.
 */
export function acknowledgeFinding(
  db: Database,
  id: string,
  actor: string,
  now: Date,
): Promise<FindingActionResult> {
  return act(db, id, actor, now, (f) => {
    if (f.status === 'acknowledged') return 'unchanged';
    if (f.status !== 'open')
      return { conflict: `only an open finding can be acknowledged; this one is ${f.status}` };
    return { set: { status: 'acknowledged', acknowledgedAt: now }, kind: 'acknowledged', data: {} };
  });
}

/**
 * open, acknowledged or suppressed → resolved, by hand (`data.manual`). If the rule still sees the problem it fires
 * again and the finding reopens (or flaps, within the flap window): resolving by hand is a claim, not a fix.
 */
export function resolveFindingManually(
  db: Database,
  id: string,
  actor: string,
  now: Date,
  reason: string,
): Promise<FindingActionResult> {
  return act(db, id, actor, now, (f) => {
    if (f.status === 'resolved') return 'unchanged';
    return {
      set: { status: 'resolved', resolvedAt: now, suppressedBy: null },
      kind: 'resolved',
      data: { manual: true, reason, previousStatus: f.status },
    };
  });
}

/**
 * open, acknowledged, or suppressed by an exception or a silence → suppressed by a person (`suppressed_by` null):
 * further firings are recorded but never page, and neither an exception nor a silence ending lifts it. It ends when
 * the finding resolves, or with unsuppressFinding.
 */
export function suppressFinding(
  db: Database,
  id: string,
  actor: string,
  now: Date,
  reason: string,
): Promise<FindingActionResult> {
  return act(db, id, actor, now, (f) => {
    if (f.status === 'suppressed' && f.suppressedBy === null) return 'unchanged';
    if (f.status === 'resolved') return { conflict: 'a resolved finding cannot be suppressed' };
    return {
      set: { status: 'suppressed', suppressedBy: null },
      kind: 'suppressed',
      data: {
        reason,
        previousStatus: f.status,
        ...(f.suppressedBy ? { previousSuppressedBy: f.suppressedBy } : {}),
      },
    };
  });
}

/** suppressed → open: the finding pages again (receivers that were never told about it are triggered). */
export function unsuppressFinding(
  db: Database,
  id: string,
  actor: string,
  now: Date,
): Promise<FindingActionResult> {
  return act(db, id, actor, now, (f) => {
    if (f.status !== 'suppressed')
      return { conflict: `only a suppressed finding can be unsuppressed; this one is ${f.status}` };
    return {
      set: { status: 'open', suppressedBy: null },
      kind: 'unsuppressed',
      data: f.suppressedBy ? { previousSuppressedBy: f.suppressedBy } : {},
    };
  });
}
