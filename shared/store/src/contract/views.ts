import { eq, sql, TransactionRollbackError } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Database } from '../client';
import { applySignals } from '../findings/apply-signals';
import { getFindingByFingerprint } from '../findings/queries';
import {
  apiTokens,
  findingEvents,
  findingTimeline,
  findings,
  mttrByRule,
  notifications,
  openFindings,
  postureDaily,
  silences,
} from '../schema/index';
import { expectSqlState, opts, signal, t0, type ContractOptions } from './support';

const day = t0.toISOString().slice(0, 10);
const insufficientPrivilege = '42501';

export function viewContract(db: () => Database, options: ContractOptions): void {
  describe('views', () => {
    // Rule A: two findings opened at 0 and resolved after 120 s and 600 s. Rule B: one open critical finding.
    async function seed(): Promise<void> {
      await applySignals(
        db(),
        [
          signal({ rule: 'a', event: 'a1', namespace: 'x' }),
          signal({ rule: 'a', event: 'a2', namespace: 'y' }),
        ],
        opts(0),
      );
      await applySignals(db(), [signal({ rule: 'b', event: 'b1', severity: 'critical' })], opts(10));
      await applySignals(
        db(),
        [signal({ rule: 'a', event: 'a3', namespace: 'x', transition: 'resolved' })],
        opts(120),
      );
      await applySignals(
        db(),
        [signal({ rule: 'a', event: 'a4', namespace: 'y', transition: 'resolved' })],
        opts(600),
      );
    }

    it('open_findings lists open and acknowledged findings', async () => {
      await seed();
      const rows = await db().select().from(openFindings);
      expect(rows).toMatchObject([{ ruleId: 'b', severity: 'critical', status: 'open' }]);
      expect(rows[0]?.ageSeconds).toBeGreaterThan(0);
    });

    it('finding_timeline joins each event with its finding', async () => {
      await seed();
      const b = await getFindingByFingerprint(db(), signal({ rule: 'b', event: 'b1' }).fingerprint);
      const rows = await db()
        .select()
        .from(findingTimeline)
        .where(eq(findingTimeline.findingId, b?.id ?? ''));
      expect(rows).toMatchObject([
        { kind: 'opened', ruleId: 'b', findingStatus: 'open', namespace: 'payments' },
      ]);
      expect(await db().select().from(findingTimeline)).toHaveLength(5);
    });

    it('mttr_by_rule summarises time to resolve per rule', async () => {
      await seed();
      const rows = await db().select().from(mttrByRule);
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ ruleId: 'a', resolved: 2, avgSeconds: 360, medianSeconds: 360 });
      expect(rows[0]?.p90Seconds).toBeCloseTo(552);
    });

    it('posture_daily counts opened, resolved and still-open findings per day and severity', async () => {
      await seed();
      const rows = await db().select().from(postureDaily).where(eq(postureDaily.day, day));
      expect(rows).toHaveLength(5);
      const bySeverity = Object.fromEntries(rows.map((r) => [r.severity, r]));
      expect(bySeverity.high).toMatchObject({ opened: 2, resolved: 2, openAtEnd: 0 });
      expect(bySeverity.critical).toMatchObject({ opened: 1, resolved: 0, openAtEnd: 1 });
      expect(bySeverity.low).toMatchObject({ opened: 0, resolved: 0, openAtEnd: 0 });
      // Every day since carries the open critical finding.
      const [today] = await db()
        .select()
        .from(postureDaily)
        .where(
          sql`${postureDaily.day} = (now() at time zone 'UTC')::date and ${postureDaily.severity} = 'critical'`,
        );
      expect(today).toMatchObject({ openAtEnd: 1, opened: 0 });
    });

    it.runIf(options.roles)('lets ztv_reader read the views and tables, and nothing else', async () => {
      await seed();
      await db()
        .insert(apiTokens)
        .values({ name: 'ci', role: 'admin', tokenHash: 'a'.repeat(64) });
      // Rolled back at the end, so the role switch never leaks into a pooled connection.
      await db()
        .transaction(async (tx) => {
          await tx.execute(sql`set local role ztv_reader`);
          expect(await tx.select().from(openFindings)).toHaveLength(1);
          expect(await tx.select().from(findingTimeline)).toHaveLength(5);
          expect(await tx.select().from(mttrByRule)).toHaveLength(1);
          expect((await tx.select().from(postureDaily)).length).toBeGreaterThan(0);
          expect(await tx.select().from(findings)).toHaveLength(3);
          expect(await tx.select().from(notifications)).toEqual([]);

          // Each denied statement runs in a savepoint so the transaction survives it.
          const denied = (work: (sp: Database) => Promise<unknown>) =>
            expectSqlState(
              tx.transaction(async (sp) => work(sp)),
              insufficientPrivilege,
            );
          await denied((sp) => sp.select().from(apiTokens));
          await denied((sp) => sp.select({ hash: apiTokens.tokenHash }).from(apiTokens));
          await denied((sp) => sp.update(findings).set({ status: 'resolved' }));
          await denied((sp) => sp.delete(findingEvents));
          await denied((sp) =>
            sp
              .insert(silences)
              .values({ matchers: [], startsAt: t0, endsAt: t0, createdBy: 'x', comment: 'x' }),
          );
          await denied((sp) => sp.execute(sql`create table ztv_reader_was_here (x int)`));
          tx.rollback();
        })
        .catch((err: unknown) => {
          if (!(err instanceof TransactionRollbackError)) throw err;
        });
    });
  });
}
