import type { Signal } from '@ztv/events';
import type { Finding, FindingStatus, NewFindingEvent } from '../schema/index';
import { newId } from '../ids';
import type { Transition, TransitionKind } from './transition';

/** Actor recorded on rows written for signals. */
export const signalActor = 'alerter';

export interface FoldResult {
  /** The finding after the signals, or undefined when there is none (only resolved signals for an unknown subject). */
  row: Finding | undefined;
  /** Whether `row` differs from the stored one and must be written (exactly when there are events). */
  changed: boolean;
  events: NewFindingEvent[];
  transitions: Transition[];
}

/**
 * Applies one finding's signals, in order, to its stored state, in memory (pure: no I/O, the clock is `now`). The
 * signals must already be free of ids that were applied before; every signal that changes something yields exactly
 * one event row carrying its signal id, which is what makes a replay a no-op.
 *
 * A resolved signal for no finding, or for a resolved one, changes nothing and leaves no row. So it is not remembered:
 * replayed after a later firing of the same finding was applied, it would resolve that finding. Rule-workers emit
 * 'resolved' only after 'firing' for a subject, which makes this a corner case (a rebuilt rule-worker re-emitting
 * stale resolutions, then a replay); recording no-ops would need a row without a finding.
 */
export function foldSignals(
  stored: Finding | undefined,
  signals: readonly Signal[],
  now: Date,
  flapWindowSeconds: number,
): FoldResult {
  let row = stored;
  const events: NewFindingEvent[] = [];
  const transitions: Transition[] = [];

  const record = (r: Finding, s: Signal, kind: NewFindingEvent['kind'], data: Record<string, unknown>) => {
    events.push({
      findingId: r.id,
      signalId: s.signalId,
      kind,
      actor: signalActor,
      at: now,
      data: { eventId: s.eventId, eventType: s.eventType, time: s.time, ...data },
    });
  };
  const transition = (r: Finding, s: Signal, kind: TransitionKind, previousStatus: FindingStatus | null) => {
    transitions.push({
      kind,
      findingId: r.id,
      fingerprint: r.fingerprint,
      ruleId: r.ruleId,
      severity: r.severity,
      cluster: r.cluster,
      namespace: r.namespace,
      title: r.title,
      previousStatus,
      status: r.status,
      signalId: s.signalId,
      at: now,
    });
  };

  for (const s of signals) {
    if (s.transition === 'resolved') {
      if (!row || row.status === 'resolved') continue;
      const previous = row.status;
      row = {
        ...row,
        status: 'resolved',
        resolvedAt: now,
        suppressedBy: null,
        lastSignalId: s.signalId,
        updatedAt: now,
      };
      record(row, s, 'resolved', {});
      transition(row, s, 'resolved', previous);
      continue;
    }

    if (!row) {
      row = newFinding(s, now);
      const kind = row.status === 'suppressed' ? 'suppressed' : 'opened';
      record(row, s, kind, {
        evidence: s.evidence,
        ...(s.suppressedBy ? { suppressedBy: s.suppressedBy } : {}),
      });
      transition(row, s, kind, null);
      continue;
    }

    const previous = row.status;
    row = { ...refreshed(row, s, now), occurrences: row.occurrences + 1 };
    if (s.suppressedBy && previous !== 'suppressed') {
      row = { ...row, status: 'suppressed', suppressedBy: s.suppressedBy, resolvedAt: null };
      record(row, s, 'suppressed', { suppressedBy: s.suppressedBy });
      transition(row, s, 'suppressed', previous);
    } else if (previous === 'suppressed' && !s.suppressedBy && row.suppressedBy) {
      // The exception stopped matching. A finding suppressed by a person (suppressed_by null) stays suppressed.
      row = { ...row, status: 'open', suppressedBy: null };
      record(row, s, 'unsuppressed', { evidence: s.evidence });
      transition(row, s, 'unsuppressed', previous);
    } else if (previous === 'resolved') {
      const flapped =
        row.resolvedAt !== null && now.getTime() - row.resolvedAt.getTime() < flapWindowSeconds * 1000;
      row = flapped
        ? { ...row, status: 'open', resolvedAt: null, acknowledgedAt: null, flapCount: row.flapCount + 1 }
        : {
            ...row,
            status: 'open',
            resolvedAt: null,
            acknowledgedAt: null,
            reopenCount: row.reopenCount + 1,
          };
      // Both are recorded as 'reopened' so the history (and the views) see the finding open again; data.flapped tells
      // a damped refire from a new incident.
      record(
        row,
        s,
        'reopened',
        flapped ? { flapped: true, evidence: s.evidence } : { evidence: s.evidence },
      );
      transition(row, s, flapped ? 'flapped' : 'reopened', previous);
    } else {
      if (previous === 'suppressed' && s.suppressedBy) row = { ...row, suppressedBy: s.suppressedBy };
      record(row, s, 'observed', {});
    }
  }

  return { row, changed: events.length > 0, events, transitions };
}

function newFinding(s: Signal, now: Date): Finding {
  return {
    id: newId('finding', now.getTime()),
    fingerprint: s.fingerprint,
    ruleId: s.ruleId,
    severity: s.severity,
    area: s.area,
    cluster: s.cluster,
    namespace: s.subject.namespace ?? null,
    subject: s.subject,
    title: s.title,
    message: s.message,
    evidence: s.evidence,
    status: s.suppressedBy ? 'suppressed' : 'open',
    suppressedBy: s.suppressedBy ?? null,
    firstSeenAt: now,
    lastSeenAt: now,
    resolvedAt: null,
    acknowledgedAt: null,
    occurrences: 1,
    reopenCount: 0,
    flapCount: 0,
    quietPeriodSeconds: s.quietPeriodSeconds ?? null,
    lastSignalId: s.signalId,
    updatedAt: now,
  };
}

/** The latest firing signal describes the finding: severity, wording and evidence follow it. */
function refreshed(row: Finding, s: Signal, now: Date): Finding {
  return {
    ...row,
    severity: s.severity,
    area: s.area,
    namespace: s.subject.namespace ?? null,
    subject: s.subject,
    title: s.title,
    message: s.message,
    evidence: s.evidence,
    quietPeriodSeconds: s.quietPeriodSeconds ?? null,
    lastSeenAt: now,
    lastSignalId: s.signalId,
    updatedAt: now,
  };
}
