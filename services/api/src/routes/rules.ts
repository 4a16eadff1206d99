import { inArray, sql } from 'drizzle-orm';
import { baselineRules } from '@ztv/rules';
import { findings } from '@ztv/store';
import type { ApiDeps } from '../deps';
import { defineRoute, type AnyRoute } from '../http/route';
import { ruleListSchema } from '../schemas/misc';

/** Playbooks the rule pack names (DESIGN §6): the ones a remediation request may ask for. */
export function knownPlaybooks(): string[] {
  return [...new Set(baselineRules.flatMap((r) => (r.remediation.playbook ? [r.remediation.playbook] : [])))].sort();
}

export function ruleRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      url: '/api/v1/rules',
      tag: 'rules',
      summary: 'The rule catalogue (ZTA baseline v1) with open findings per rule',
      access: 'viewer',
      response: ruleListSchema,
      handler: async () => {
        const counts = await deps.store.db
          .select({ ruleId: findings.ruleId, n: sql<number>`count(*)::int` })
          .from(findings)
          .where(inArray(findings.status, ['open', 'acknowledged']))
          .groupBy(findings.ruleId);
        const open = new Map(counts.map((c) => [c.ruleId, c.n]));
        return {
          items: baselineRules.map((r) => ({
            id: r.id,
            title: r.title,
            severity: r.severity,
            area: r.area,
            kind: r.kind,
            rationale: r.rationale,
            resolvesWhen: r.resolvesWhen,
            remediation: r.remediation,
            references: r.references,
            tags: r.tags ?? [],
            openFindings: open.get(r.id) ?? 0,
          })),
          playbooks: knownPlaybooks(),
        };
      },
    }),
  ];
}
