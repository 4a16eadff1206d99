import { getTableColumns, sql } from 'drizzle-orm';
import type { Signal } from '@ztv/events';
import type { Database } from '../client';
import { StoreConflictError } from '../errors';
import { findingEvents, findings, type Finding, type NewFindingEvent } from '../schema/index';
import { anyText, chunks, recordset, rowsOf } from '../sql';
import { foldSignals } from './fold';
import type { Transition } from './transition';

export interface ApplySignalsOptions {
  /** The alerter's clock: first/last seen, resolution and event times. */
  now: Date;
  /** A resolved finding that fires again within this many seconds flaps (stays one incident) instead of reopening. */
  flapWindowSeconds: number;
}

// Rows per statement: bounds the size of one JSON parameter (and of one statement's work), not a protocol limit.
const rowsPerStatement = 5_000;

/**
 * Applies a batch of signals in one transaction and returns the transitions, in order per finding, for the caller to
 * notify on. Idempotent by signal id (DESIGN §1): a signal already recorded in finding_events changes nothing, so a
 * replayed batch returns no transitions.
 *
 * The batch costs a fixed number of round trips, not one per signal: lock the batch's findings, fold each
 * fingerprint's signals in memory, then one multi-row upsert of the findings and one multi-row insert of their events
 * (each rows-as-one-JSON-parameter, see recordset()). Replays are rare (a crash or a rebalance before the offsets were
 * committed), so the first pass does not look up which signal ids were applied before: it folds every signal, and if
 * the events insert then meets a recorded signal id, the pass is rolled back (its own transaction, or a savepoint in
 * the caller's) and the batch is applied again by a pass that looks them up first and skips them.
 *
 * Concurrent writers (two alerters on one partition during a rebalance) are serialised by the row locks; one that
 * loses the race to create a finding re-reads it and folds again. Throws StoreConflictError (retry: true, nothing
 * written) if the careful pass's events insert still finds a signal id it did not expect.
 */
export async function applySignals(
  db: Database,
  signals: readonly Signal[],
  opts: ApplySignalsOptions,
): Promise<Transition[]> {
  if (signals.length === 0) return [];
  const byFingerprint = groupByFingerprint(signals);
  try {
    return await db.transaction((tx) => applyPass(tx, byFingerprint, opts, false));
  } catch (err) {
    if (!(err instanceof ReplayedSignals)) throw err;
    return db.transaction((tx) => applyPass(tx, byFingerprint, opts, true));
  }
}

/** The optimistic pass met signal ids already recorded: roll it back and apply the batch with the lookup. */
class ReplayedSignals extends Error {}

async function applyPass(
  tx: Database,
  byFingerprint: Map<string, Signal[]>,
  opts: ApplySignalsOptions,
  skipApplied: boolean,
): Promise<Transition[]> {
  const transitions: Transition[] = [];
  const events: NewFindingEvent[] = [];
  let pending = byFingerprint;
  for (let attempt = 1; pending.size > 0; attempt++) {
    if (attempt > 2)
      throw new StoreConflictError('findings kept changing while a signal batch was applied', {
        fingerprints: [...pending.keys()],
      });
    const stored = await lockFindings(tx, [...pending.keys()]);
    const applied = skipApplied
      ? await appliedSignalIds(
          tx,
          [...pending.values()].flatMap((group) => group.map((s) => s.signalId)),
        )
      : new Set<string>();

    const folds = [];
    for (const [fingerprint, group] of pending) {
      const fresh = applied.size ? group.filter((s) => !applied.has(s.signalId)) : group;
      if (fresh.length === 0) continue;
      const fold = foldSignals(stored.get(fingerprint), fresh, opts.now, opts.flapWindowSeconds);
      if (fold.changed && fold.row) folds.push({ ...fold, row: fold.row });
    }

    // Rows go in fingerprint order, like the locks: two writers creating the same new findings wait on each
    // other in one order and cannot deadlock.
    const rows = folds
      .map((f) => f.row)
      .sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0));
    const written = await upsertFindings(tx, rows);
    const lost = new Map<string, Signal[]>();
    for (const fold of folds) {
      if (written.has(fold.row.id)) {
        events.push(...fold.events);
        for (const t of fold.transitions) transitions.push({ ...t, finding: fold.row });
      } else {
        // Another transaction created this fingerprint after we looked: fold again on top of its row.
        lost.set(fold.row.fingerprint, byFingerprint.get(fold.row.fingerprint) ?? []);
      }
    }
    pending = lost;
  }

  const inserted = await insertEvents(tx, events);
  if (inserted.size < events.length) {
    if (!skipApplied) throw new ReplayedSignals();
    throw new StoreConflictError('a signal was applied concurrently by another writer', {
      expected: events.length,
      inserted: inserted.size,
    });
  }
  return transitions.map((t) => (t.signalId ? { ...t, eventId: inserted.get(t.signalId) } : t));
}

/** Signals grouped by fingerprint, in batch order; a signal id seen twice in the batch counts once. */
function groupByFingerprint(signals: readonly Signal[]): Map<string, Signal[]> {
  const seen = new Set<string>();
  const groups = new Map<string, Signal[]>();
  for (const s of signals) {
    if (seen.has(s.signalId)) continue;
    seen.add(s.signalId);
    const group = groups.get(s.fingerprint);
    if (group) group.push(s);
    else groups.set(s.fingerprint, [s]);
  }
  return groups;
}

/** The stored findings for these fingerprints, locked until commit (in fingerprint order, so writers never deadlock). */
async function lockFindings(tx: Database, fingerprints: string[]): Promise<Map<string, Finding>> {
  const rows = await tx
    .select()
    .from(findings)
    .where(anyText(findings.fingerprint, fingerprints))
    .orderBy(findings.fingerprint)
    .for('update');
  return new Map(rows.map((r) => [r.fingerprint, r]));
}

async function appliedSignalIds(tx: Database, signalIds: string[]): Promise<Set<string>> {
  const rows = await tx
    .select({ signalId: findingEvents.signalId })
    .from(findingEvents)
    .where(anyText(findingEvents.signalId, signalIds));
  return new Set(rows.map((r) => r.signalId).filter((id): id is string => id !== null));
}

// A fold writes every column; on conflict all but id, fingerprint and first_seen_at are overwritten.
const findingKeys = Object.keys(getTableColumns(findings)) as (keyof Finding)[];
const immutableKeys: readonly (keyof Finding)[] = ['id', 'fingerprint', 'firstSeenAt'];
const setFromExcluded = sql.join(
  findingKeys
    .filter((key) => !immutableKeys.includes(key))
    .map(
      (key) => sql`${sql.identifier(findings[key].name)} = excluded.${sql.identifier(findings[key].name)}`,
    ),
  sql`, `,
);

/**
 * Inserts new findings and overwrites stored ones with their folded state, returning the ids written. The update only
 * applies where the stored row has the id the fold started from: a row another transaction created in the meantime
 * (different id, same fingerprint) is left alone and its id is missing from the result.
 */
async function upsertFindings(tx: Database, rows: Finding[]): Promise<Set<string>> {
  const written = new Set<string>();
  for (const slice of chunks(rows, rowsPerStatement)) {
    const { columns, source } = recordset(findings, findingKeys, slice);
    const out = await rowsOf<{ id: string }>(
      tx,
      sql`insert into ${findings} (${columns}) select ${columns} from ${source}
          on conflict (${sql.identifier(findings.fingerprint.name)}) do update set ${setFromExcluded}
          where ${findings.id} = excluded.${sql.identifier(findings.id.name)}
          returning ${sql.identifier(findings.id.name)}`,
    );
    for (const r of out) written.add(r.id);
  }
  return written;
}

const eventKeys = ['findingId', 'signalId', 'kind', 'actor', 'data', 'at'] as const;

/**
 * Inserts event rows, in order, skipping any whose signal id is already recorded; returns the ids of those inserted
 * by signal id.
 */
async function insertEvents(tx: Database, rows: NewFindingEvent[]): Promise<Map<string, number>> {
  const inserted = new Map<string, number>();
  for (const slice of chunks(rows, rowsPerStatement)) {
    const { columns, source } = recordset(findingEvents, eventKeys, slice);
    const out = await rowsOf<{ id: string | number; signal_id: string }>(
      tx,
      sql`insert into ${findingEvents} (${columns}) select ${columns} from ${source}
          on conflict (${sql.identifier(findingEvents.signalId.name)}) do nothing
          returning ${sql.identifier(findingEvents.id.name)}, ${sql.identifier(findingEvents.signalId.name)}`,
    );
    // bigserial comes back as a string from node-postgres and a number from PGlite.
    for (const r of out) inserted.set(r.signal_id, Number(r.id));
  }
  return inserted;
}
