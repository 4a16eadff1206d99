import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import { remediationModes, type JobQueue } from '@ztv/jobs';
import { ruleById } from '@ztv/rules';
import { createRemediation, listRemediations, remediationJobId, type Database, type Remediation, type Transition } from '@ztv/store';
import type { Logger } from '@ztv/telemetry';

/**
 * The part of the config file's `remediation:` section the alerter reads: per rule, the mode automatic remediations
 * run in and the playbook. The remediator validates the whole section strictly; the alerter ignores the rest.
 */
const triggerConfig = z.object({
  enabled: z.boolean().default(true),
  rules: z.record(z.string(), z.object({ mode: z.enum(remediationModes).default('dry-run'), playbook: z.string().optional() }).loose()).default({}),
}).loose();
export type TriggerConfig = z.output<typeof triggerConfig>;

export function loadTriggerConfig(file: string | undefined): TriggerConfig {
  const doc = file ? ((parse(readFileSync(file, 'utf8')) ?? {}) as { remediation?: unknown }) : {};
  const r = triggerConfig.safeParse(doc.remediation ?? {});
  if (!r.success) throw new Error(`invalid remediation section in ${file}: ${r.error.issues.map((i) => `remediation.${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

export const AUTO_ACTOR = 'ztv:auto';

/**
 * Triggers remediations for newly opened (or reopened) findings, per the rule's config (DESIGN §6: dry-run for every
 * rule by default, `approve` waits for an operator, `auto` is opt-in). The remediations row is created with a
 * deterministic job id (the finding and the history row of its transition), so a replayed batch finds the row and
 * triggers nothing twice; the job is enqueued after the commit, and `sweep` re-enqueues any row whose job never
 * made it (the row is the outbox).
 */
export class RemediationTrigger {
  constructor(private readonly opts: { jobs: JobQueue; config: TriggerConfig; logger: Logger }) {}

  /** Inside the batch's transaction: the rows for the transitions that call for a remediation. */
  async plan(tx: Database, transitions: readonly Transition[], now: Date): Promise<Remediation[]> {
    if (!this.opts.config.enabled) return [];
    const out: Remediation[] = [];
    for (const t of transitions) {
      if (t.kind !== 'opened' && t.kind !== 'reopened') continue;
      const rule = this.opts.config.rules[t.ruleId];
      const playbook = rule?.playbook ?? ruleById(t.ruleId)?.remediation.playbook;
      if (!playbook) continue;
      const { remediation, created } = await createRemediation(tx, {
        findingId: t.findingId,
        playbook,
        mode: rule?.mode ?? 'dry-run',
        requestedBy: AUTO_ACTOR,
        jobId: `remediation:auto:${t.findingId}:${t.eventId ?? t.signalId ?? t.kind}`,
        now,
      });
      if (created) out.push(remediation);
    }
    return out;
  }

  /** After the commit: hands the rows' jobs to the queue (a duplicate job id is a no-op). */
  async enqueue(rows: readonly Remediation[], fingerprints: ReadonlyMap<string, string>): Promise<void> {
    for (const r of rows) {
      await this.opts.jobs.enqueue(
        'remediation.run',
        { remediationId: r.id, findingId: r.findingId, fingerprint: fingerprints.get(r.findingId) ?? r.findingId, playbook: r.playbook, mode: r.mode, requestedBy: r.requestedBy },
        { jobId: r.jobId ?? remediationJobId(r.id, 'run') },
      );
    }
  }

  /** The periodic pass: automatic remediations still `requested` a minute after creation get their job (again). */
  async sweep(db: Database, now: Date): Promise<number> {
    const stale = (await listRemediations(db, { status: ['requested'], limit: 200 })).filter(
      (r) => r.requestedBy === AUTO_ACTOR && now.getTime() - r.createdAt.getTime() > 60_000,
    );
    await this.enqueue(stale, new Map());
    if (stale.length) this.opts.logger.info({ count: stale.length }, 'automatic remediations re-enqueued');
    return stale.length;
  }
}
