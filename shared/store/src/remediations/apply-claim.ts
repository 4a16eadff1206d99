import { and, count, eq, gt, min, ne, sql } from 'drizzle-orm';
import type { Database } from '../client';
import { remediations, type Remediation, type RemediationStatus } from '../schema/index';
import { applyStartedAt } from './repository';

export interface ApplyClaim {
  id: string;
  playbook: string;
  /** Statuses the claim may start from (e.g. `approved`, or `planned` for auto mode, `applying` for a retry). */
  from: RemediationStatus[];
  /** At most `max` remediations of this playbook may start applying within `windowSeconds`, across all replicas. */
  max: number;
  windowSeconds: number;
  /** The rest of the result to store with `applyStartedAt`. */
  result: Record<string, unknown>;
  now: Date;
}

export type ApplyClaimResult =
  | { ok: true; remediation: Remediation }
  | { ok: false; reason: 'rate_limited'; started: number; retryAt: Date }
  | { ok: false; reason: 'status'; status?: RemediationStatus };

/**
 * Moves a remediation to `applying` if the playbook's rate limit allows it: counts the remediations of the same
 * playbook that started applying within the window (result.applyStartedAt) and, under a transaction-scoped advisory
 * lock per playbook, claims a slot by setting this one's applyStartedAt. The lock makes count-then-claim atomic across
 * every remediator replica sharing the database. A retry of a remediation that already holds a slot keeps it.
 */
export async function claimRemediationApply(db: Database, c: ApplyClaim): Promise<ApplyClaimResult> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`ztv:remediation:${c.playbook}`}))`);
    const [self] = await tx.select().from(remediations).where(eq(remediations.id, c.id));
    if (!self || !c.from.includes(self.status)) return { ok: false, reason: 'status', status: self?.status };
    const held = (self.result as { applyStartedAt?: string } | null)?.applyStartedAt;
    const since = new Date(c.now.getTime() - c.windowSeconds * 1000);
    if (!(held && new Date(held) > since)) {
      const [usage] = await tx
        .select({ started: count(), oldest: min(applyStartedAt) })
        .from(remediations)
        .where(
          and(eq(remediations.playbook, c.playbook), ne(remediations.id, c.id), gt(applyStartedAt, since)),
        );
      const started = Number(usage?.started ?? 0);
      if (started >= c.max) {
        const oldest = usage?.oldest ? new Date(usage.oldest as unknown as string) : c.now;
        return {
          ok: false,
          reason: 'rate_limited',
          started,
          retryAt: new Date(oldest.getTime() + c.windowSeconds * 1000),
        };
      }
    }
    const [row] = await tx
      .update(remediations)
      .set({
        status: 'applying',
        updatedAt: c.now,
        result: { ...c.result, applyStartedAt: held && new Date(held) > since ? held : c.now.toISOString() },
      })
      .where(eq(remediations.id, c.id))
      .returning();
    return row ? { ok: true, remediation: row } : { ok: false, reason: 'status' };
  });
}
