import { and, desc, eq, gt, lte, sql } from 'drizzle-orm';
import type { Database } from '../client';
import { signalActor } from '../findings/fold';
import type { Transition } from '../findings/transition';
import { silences, type Silence, type SilenceMatcher } from '../schema/index';
import { releaseSilenced, suppressSilenced } from './apply';
import { silenceMatcherIssues } from './matchers';

export type SilenceState = 'pending' | 'active' | 'expired';

export interface NewSilenceInput {
  matchers: SilenceMatcher[];
  /** Defaults to now. */
  startsAt?: Date;
  endsAt: Date;
  createdBy: string;
  comment: string;
}

export type SilenceResult<Extra> =
  | ({ ok: true; silence: Silence } & Extra)
  | { ok: false; error: 'invalid'; issues: string[] }
  | { ok: false; error: 'not_found' };

export function silenceState(s: Pick<Silence, 'startsAt' | 'endsAt'>, now: Date): SilenceState {
  if (s.endsAt.getTime() <= now.getTime()) return 'expired';
  return s.startsAt.getTime() <= now.getTime() ? 'active' : 'pending';
}

/**
 * Creates a silence. Matchers are validated (silenceMatcherIssues), the window must end after it starts and after
 * now, and `createdBy` and `comment` are required. A silence active now suppresses the matching open and acknowledged
 * findings at once, each with a 'suppressed' history row by `createdBy`; one that starts later takes effect when the
 * alerter next looks (and for every signal from then on).
 */
export async function createSilence(
  db: Database,
  input: NewSilenceInput,
  now: Date,
): Promise<SilenceResult<{ suppressed: number }>> {
  const startsAt = input.startsAt ?? now;
  const issues = silenceMatcherIssues(input.matchers);
  if (!(input.endsAt.getTime() > startsAt.getTime())) issues.push('endsAt: must be after startsAt');
  if (!(input.endsAt.getTime() > now.getTime())) issues.push('endsAt: must be in the future');
  if (!input.createdBy?.trim()) issues.push('createdBy: required');
  if (!input.comment?.trim()) issues.push('comment: required (say why)');
  if (issues.length) return { ok: false, error: 'invalid', issues };

  return db.transaction(async (tx) => {
    const [silence] = await tx
      .insert(silences)
      .values({
        matchers: input.matchers.map(({ name, op, value }) => ({ name, op, value })),
        startsAt,
        endsAt: input.endsAt,
        createdBy: input.createdBy,
        comment: input.comment,
      })
      .returning();
    const suppressed =
      silenceState(silence!, now) === 'active'
        ? await suppressSilenced(tx, [silence!], input.createdBy, now)
        : [];
    return { ok: true, silence: silence!, suppressed: suppressed.length };
  });
}

/** Silences, newest first, optionally only those in one state at `now`. */
export async function listSilences(
  db: Database,
  opts: { now: Date; state?: SilenceState; limit?: number },
): Promise<(Silence & { state: SilenceState })[]> {
  const { now } = opts;
  const where =
    opts.state === 'active'
      ? and(lte(silences.startsAt, now), gt(silences.endsAt, now))
      : opts.state === 'pending'
        ? gt(silences.startsAt, now)
        : opts.state === 'expired'
          ? lte(silences.endsAt, now)
          : undefined;
  const rows = await db
    .select()
    .from(silences)
    .where(where)
    .orderBy(desc(silences.createdAt), desc(silences.id))
    .limit(Math.min(Math.max(opts.limit ?? 500, 1), 5_000));
  return rows.map((s) => ({ ...s, state: silenceState(s, now) }));
}

/** Silences active at `now` (started, not ended). */
export async function activeSilences(db: Database, now: Date): Promise<Silence[]> {
  return db
    .select()
    .from(silences)
    .where(and(lte(silences.startsAt, now), gt(silences.endsAt, now)))
    .orderBy(silences.startsAt, silences.id);
}

/**
 * Ends a silence now (ends_at := now; a pending one never starts). The findings it suppressed are unsuppressed at once
 * (open again, 'unsuppressed' history rows by `actor`), unless another active silence matches them. Expiring an
 * expired silence changes nothing.
 */
export async function expireSilence(
  db: Database,
  id: string,
  actor: string,
  now: Date,
): Promise<SilenceResult<{ changed: boolean; released: number }>> {
  return db.transaction(async (tx) => {
    const [silence] = await tx.select().from(silences).where(eq(silences.id, id)).for('update');
    if (!silence) return { ok: false, error: 'not_found' } as const;
    if (silenceState(silence, now) === 'expired')
      return { ok: true, silence, changed: false, released: 0 } as const;
    const [expired] = await tx
      .update(silences)
      .set({ endsAt: now, startsAt: sql`least(${silences.startsAt}, ${now.toISOString()}::timestamptz)` })
      .where(eq(silences.id, id))
      .returning();
    const released = await releaseSilenced(tx, await activeSilences(tx, now), actor, now, id);
    return { ok: true, silence: expired!, changed: true, released: released.length } as const;
  });
}

/**
 * The alerter's periodic pass over silences, in one transaction: lift the ones that ended (findings open again, by
 * 'alerter'), and apply active ones not in `applied` (those that started since, or all of them after a restart) to
 * the open findings. Returns the transitions, for notification, and the ids of the active silences: once the caller's
 * transaction has committed they are the next call's `applied`.
 */
export async function syncSilences(
  db: Database,
  now: Date,
  applied: ReadonlySet<string>,
): Promise<{ transitions: Transition[]; activeIds: Set<string> }> {
  return db.transaction(async (tx) => {
    const active = await activeSilences(tx, now);
    const released = await releaseSilenced(tx, active, signalActor, now);
    const suppressed = await suppressSilenced(
      tx,
      active.filter((s) => !applied.has(s.id)),
      signalActor,
      now,
    );
    return { transitions: [...released, ...suppressed], activeIds: new Set(active.map((s) => s.id)) };
  });
}
