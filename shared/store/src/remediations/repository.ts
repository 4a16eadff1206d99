import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../client';
import { newId } from '../ids';
import {
  findingEvents,
  remediations,
  type FindingEvent,
  type Remediation,
  type RemediationMode,
  type RemediationStatus,
} from '../schema/index';
import { anyText } from '../sql';
import { remediationJobId } from './job-id';

/** The finding_events kinds a remediation writes (DESIGN §5). */
export type RemediationEventKind = Extract<FindingEvent['kind'], `remediation_${string}`>;

/** A remediation_* history row. `data.step` says which step it records (see docs/remediation.md). */
export interface RemediationEventInput {
  findingId: string;
  kind: RemediationEventKind;
  /** A user or token name, `ztv:auto`, or `ztv-remediator` for the worker's own steps. */
  actor: string;
  data: Record<string, unknown>;
  at?: Date;
}

/** Appends a remediation_* row to a finding's history. */
export async function recordRemediationEvent(db: Database, e: RemediationEventInput): Promise<void> {
  await db.insert(findingEvents).values({
    findingId: e.findingId,
    kind: e.kind,
    actor: e.actor,
    data: e.data,
    ...(e.at ? { at: e.at } : {}),
  });
}

export interface CreateRemediationInput {
  findingId: string;
  playbook: string;
  mode: RemediationMode;
  requestedBy: string;
  /**
   * The `remediation.run` job id to enqueue, and the replay guard: a second call with the same jobId returns the stored
   * row (`created: false`) and writes nothing. Default `remediation:<id>` (remediationJobId).
   */
  jobId?: string;
  /** When an `awaiting_approval` plan expires; the remediator sets it from its config when absent. */
  expiresAt?: Date;
  /** Extra facts for the remediation_requested history row (the trigger, a signal id, a comment). */
  data?: Record<string, unknown>;
  now?: Date;
}

/**
 * Inserts a remediation in status `requested` and its `remediation_requested` history row, in one transaction. The
 * caller then enqueues `remediation.run` with `jobId` (dry-run, approve and auto alike: the job plans first).
 */
export async function createRemediation(
  db: Database,
  input: CreateRemediationInput,
): Promise<{ remediation: Remediation; created: boolean }> {
  const id = newId('remediation');
  const jobId = input.jobId ?? remediationJobId(id);
  const now = input.now ?? new Date();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(remediations)
      .values({
        id,
        findingId: input.findingId,
        playbook: input.playbook,
        mode: input.mode,
        status: 'requested',
        requestedBy: input.requestedBy,
        jobId,
        createdAt: now,
        updatedAt: now,
        ...(input.expiresAt ? { expiresAt: input.expiresAt } : {}),
      })
      .onConflictDoNothing({ target: remediations.jobId })
      .returning();
    if (!row) {
      const [existing] = await tx.select().from(remediations).where(eq(remediations.jobId, jobId));
      if (!existing) throw new Error(`remediation with job id ${jobId} vanished during insert`);
      return { remediation: existing, created: false };
    }
    await recordRemediationEvent(tx, {
      findingId: row.findingId,
      kind: 'remediation_requested',
      actor: input.requestedBy,
      at: now,
      data: { ...input.data, ...eventBase(row), step: 'requested', jobId },
    });
    return { remediation: row, created: true };
  });
}

export async function getRemediation(db: Database, id: string): Promise<Remediation | undefined> {
  const [row] = await db.select().from(remediations).where(eq(remediations.id, id));
  return row;
}

export interface RemediationFilters {
  findingId?: string;
  status?: RemediationStatus[];
  playbook?: string;
  /** Newest first; default 100, at most 1000. */
  limit?: number;
}

/** Remediations, newest first. */
export async function listRemediations(db: Database, f: RemediationFilters = {}): Promise<Remediation[]> {
  const where: SQL[] = [];
  if (f.findingId) where.push(eq(remediations.findingId, f.findingId));
  if (f.playbook) where.push(eq(remediations.playbook, f.playbook));
  if (f.status?.length) where.push(anyText(remediations.status, f.status));
  return db
    .select()
    .from(remediations)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(remediations.createdAt), desc(remediations.id))
    .limit(Math.min(Math.max(f.limit ?? 100, 1), 1000));
}

/** Columns a step may change; `status` moves only along `from` → `status` (compare-and-set). */
export interface RemediationUpdate {
  /** Only update while the row is in one of these statuses; otherwise nothing is written and undefined returned. */
  from?: RemediationStatus[];
  status?: RemediationStatus;
  plan?: unknown;
  diff?: unknown;
  result?: unknown;
  /** null clears it. */
  error?: string | null;
  approvedBy?: string;
  jobId?: string;
  expiresAt?: Date | null;
  /** A history row written in the same transaction, only if the update happened (so a replay never writes it twice). */
  event?: Omit<RemediationEventInput, 'findingId' | 'at'>;
  now?: Date;
}

/**
 * Updates one remediation, guarded by its current status, and records the step in finding_events atomically. Returns
 * the updated row, or undefined when the row does not exist or was not in a `from` status (another worker, or an
 * earlier attempt, already moved it on).
 */
export async function updateRemediation(
  db: Database,
  id: string,
  u: RemediationUpdate,
): Promise<Remediation | undefined> {
  const now = u.now ?? new Date();
  const set: Partial<typeof remediations.$inferInsert> = { updatedAt: now };
  for (const key of [
    'status',
    'plan',
    'diff',
    'result',
    'error',
    'approvedBy',
    'jobId',
    'expiresAt',
  ] as const) {
    if (u[key] !== undefined) (set as Record<string, unknown>)[key] = u[key];
  }
  const where = u.from?.length
    ? and(eq(remediations.id, id), anyText(remediations.status, u.from))
    : eq(remediations.id, id);
  return db.transaction(async (tx) => {
    const [row] = await tx.update(remediations).set(set).where(where).returning();
    if (row && u.event) {
      await recordRemediationEvent(tx, {
        ...u.event,
        findingId: row.findingId,
        at: now,
        data: { ...eventBase(row), ...u.event.data },
      });
    }
    return row;
  });
}

/** What every remediation_* history row carries. */
export function eventBase(
  r: Pick<Remediation, 'id' | 'playbook' | 'mode' | 'status'>,
): Record<string, unknown> {
  return { remediationId: r.id, playbook: r.playbook, mode: r.mode, status: r.status };
}

/** `result->>'applyStartedAt'` as timestamptz, for rate limits. */
export const applyStartedAt = sql`(${remediations.result}->>'applyStartedAt')::timestamptz`;
