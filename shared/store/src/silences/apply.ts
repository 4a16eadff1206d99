import { and, eq, inArray, like, sql } from 'drizzle-orm';
import type { Database } from '../client';
import type { Transition } from '../findings/transition';
import { findingEvents, findings, type Finding, type NewFindingEvent, type Silence } from '../schema/index';
import { anyText, chunks } from '../sql';
import { compileSilence, silenceIdOf, silenceLabels, silenceSuppressor } from './matchers';

type Live = Pick<
  Finding,
  | 'id'
  | 'fingerprint'
  | 'ruleId'
  | 'severity'
  | 'area'
  | 'cluster'
  | 'namespace'
  | 'title'
  | 'status'
  | 'suppressedBy'
>;
const liveColumns = {
  id: findings.id,
  fingerprint: findings.fingerprint,
  ruleId: findings.ruleId,
  severity: findings.severity,
  area: findings.area,
  cluster: findings.cluster,
  namespace: findings.namespace,
  title: findings.title,
  status: findings.status,
  suppressedBy: findings.suppressedBy,
};

/** The first of `silences` that matches the finding, if any. */
export function matchingSilence(
  silences: readonly Pick<Silence, 'id' | 'matchers'>[],
): (f: Parameters<typeof silenceLabels>[0]) => string | undefined {
  const compiled = silences.map((s) => ({ id: s.id, test: compileSilence(s.matchers) }));
  return (f) => compiled.find((c) => c.test(silenceLabels(f)))?.id;
}

/**
 * Suppresses the open and acknowledged findings that one of `silences` matches (suppressed_by = `silence:<id>`), with
 * a 'suppressed' history row each, by `actor`. Findings already suppressed (by anything) are left as they are.
 */
export async function suppressSilenced(
  tx: Database,
  silences: readonly Silence[],
  actor: string,
  now: Date,
): Promise<Transition[]> {
  if (silences.length === 0) return [];
  const match = matchingSilence(silences);
  const live = await tx
    .select(liveColumns)
    .from(findings)
    .where(inArray(findings.status, ['open', 'acknowledged']));
  const bySilence = new Map<string, Live[]>();
  for (const f of live) {
    const id = match(f);
    if (id) bySilence.set(id, [...(bySilence.get(id) ?? []), f]);
  }
  const transitions: Transition[] = [];
  for (const [silenceId, group] of bySilence) {
    const comment = silences.find((s) => s.id === silenceId)?.comment;
    for (const slice of chunks(group, 5_000)) {
      // Re-checked under the row lock: an alerter batch may have changed a finding since it was read.
      const changed = await tx
        .update(findings)
        .set({ status: 'suppressed', suppressedBy: silenceSuppressor(silenceId), updatedAt: now })
        .where(
          and(
            anyText(
              findings.id,
              slice.map((f) => f.id),
            ),
            inArray(findings.status, ['open', 'acknowledged']),
          ),
        )
        .returning({ id: findings.id });
      const ids = new Set(changed.map((c) => c.id));
      const done = slice.filter((f) => ids.has(f.id));
      await insertEvents(
        tx,
        done.map((f) => event(f.id, 'suppressed', actor, now, { silenceId, comment })),
      );
      transitions.push(...done.map((f) => transition(f, 'suppressed', 'suppressed', now)));
    }
  }
  return transitions;
}

/**
 * Lifts silences that no longer apply: findings suppressed by a silence that is not among `active` (it expired or was
 * expired early) move to another active silence that matches them, or else are unsuppressed (open again, which pages)
 * with an 'unsuppressed' history row by `actor`. `only` limits this to one silence's findings.
 */
export async function releaseSilenced(
  tx: Database,
  active: readonly Silence[],
  actor: string,
  now: Date,
  only?: string,
): Promise<Transition[]> {
  const activeIds = new Set(active.map((s) => s.id));
  const suppressed = await tx
    .select(liveColumns)
    .from(findings)
    .where(
      and(
        eq(findings.status, 'suppressed'),
        only ? eq(findings.suppressedBy, silenceSuppressor(only)) : like(findings.suppressedBy, 'silence:%'),
      ),
    );
  const stale = suppressed.filter((f) => {
    const id = silenceIdOf(f.suppressedBy);
    return id !== undefined && !activeIds.has(id);
  });
  if (stale.length === 0) return [];
  const match = matchingSilence(active);
  const reopen: Live[] = [];
  const moves = new Map<string, string[]>();
  for (const f of stale) {
    const other = match(f);
    if (other) moves.set(other, [...(moves.get(other) ?? []), f.id]);
    else reopen.push(f);
  }
  for (const [silenceId, ids] of moves) {
    await tx
      .update(findings)
      .set({ suppressedBy: silenceSuppressor(silenceId), updatedAt: now })
      .where(and(anyText(findings.id, ids), eq(findings.status, 'suppressed')));
  }
  const transitions: Transition[] = [];
  for (const slice of chunks(reopen, 5_000)) {
    const changed = await tx
      .update(findings)
      .set({ status: 'open', suppressedBy: null, updatedAt: now })
      .where(
        and(
          anyText(
            findings.id,
            slice.map((f) => f.id),
          ),
          eq(findings.status, 'suppressed'),
          sql`${findings.suppressedBy} = any(${sql.param(slice.map((f) => f.suppressedBy ?? ''))}::text[])`,
        ),
      )
      .returning({ id: findings.id });
    const ids = new Set(changed.map((c) => c.id));
    const done = slice.filter((f) => ids.has(f.id));
    await insertEvents(
      tx,
      done.map((f) =>
        event(f.id, 'unsuppressed', actor, now, {
          silenceId: silenceIdOf(f.suppressedBy),
          reason: 'silence ended',
        }),
      ),
    );
    transitions.push(...done.map((f) => transition(f, 'unsuppressed', 'open', now)));
  }
  return transitions;
}

async function insertEvents(tx: Database, rows: NewFindingEvent[]): Promise<void> {
  for (const slice of chunks(rows, 5_000)) if (slice.length) await tx.insert(findingEvents).values(slice);
}

function event(
  findingId: string,
  kind: NewFindingEvent['kind'],
  actor: string,
  at: Date,
  data: Record<string, unknown>,
): NewFindingEvent {
  return { findingId, kind, actor, at, data };
}

function transition(
  f: Live,
  kind: 'suppressed' | 'unsuppressed',
  status: Finding['status'],
  at: Date,
): Transition {
  return {
    kind,
    findingId: f.id,
    fingerprint: f.fingerprint,
    ruleId: f.ruleId,
    severity: f.severity,
    cluster: f.cluster,
    namespace: f.namespace,
    title: f.title,
    previousStatus: f.status,
    status,
    signalId: null,
    at,
  };
}
