import { desc, gte, inArray, sql } from 'drizzle-orm';
import { findings, mttrByRule, postureDaily, severities, type Database } from '@ztv/store';

/** The overview page: live findings by severity and area, the opened/resolved trend, MTTR by rule. */
export async function postureSummary(db: Database, opts: { days: number; now: Date }) {
  const live = inArray(findings.status, ['open', 'acknowledged']);
  const since = new Date(opts.now.getTime() - (opts.days - 1) * 86_400_000).toISOString().slice(0, 10);
  const [bySeverityRows, byAreaRows, byStatusRows, trendRows, mttrRows] = await Promise.all([
    db.select({ key: findings.severity, n: sql<number>`count(*)::int` }).from(findings).where(live).groupBy(findings.severity),
    db.select({ key: findings.area, n: sql<number>`count(*)::int` }).from(findings).where(live).groupBy(findings.area),
    db.select({ key: findings.status, n: sql<number>`count(*)::int` }).from(findings).groupBy(findings.status),
    db
      .select({
        day: postureDaily.day,
        opened: sql<number>`sum(${postureDaily.opened})::int`,
        resolved: sql<number>`sum(${postureDaily.resolved})::int`,
        openAtEnd: sql<number>`sum(${postureDaily.openAtEnd})::int`,
      })
      .from(postureDaily)
      .where(gte(postureDaily.day, since))
      .groupBy(postureDaily.day)
      .orderBy(postureDaily.day),
    db.select().from(mttrByRule).orderBy(desc(mttrByRule.avgSeconds)),
  ]);
  const bySeverity = Object.fromEntries(severities.map((s) => [s, bySeverityRows.find((r) => r.key === s)?.n ?? 0]));
  return {
    generatedAt: opts.now,
    open: {
      total: bySeverityRows.reduce((n, r) => n + r.n, 0),
      bySeverity,
      byArea: Object.fromEntries(byAreaRows.sort((a, b) => b.n - a.n).map((r) => [r.key, r.n])),
    },
    byStatus: Object.fromEntries(byStatusRows.map((r) => [r.key, r.n])),
    trend: trendRows,
    mttr: mttrRows,
  };
}

