import { notifiedFinding as notifiedFindingSchema } from '@ztv/jobs';
import type { RepeatCandidate } from '@ztv/store';
import { planDeliveries, type Route, type RoutingConfig } from '../notify/index';
import { notifiedFinding, type NotificationPlan } from './plan';

/** The shortest repeat_interval in the tree (0 = repeats off there), or undefined when no route repeats. */
export function shortestRepeatIntervalMs(route: Route): number | undefined {
  const own = route.repeatIntervalMs > 0 ? route.repeatIntervalMs : undefined;
  return route.routes.reduce<number | undefined>((min, child) => {
    const c = shortestRepeatIntervalMs(child);
    return c === undefined ? min : min === undefined ? c : Math.min(min, c);
  }, own);
}

/**
 * "Still firing" repeats (repeat_interval): for each candidate (an open finding whose latest notification to an
 * integration is a delivered trigger, see repeatCandidates), a repeat of that trigger when the route that sends it
 * there says it is due. Pure: the clock is `now`, the routing is the current config (an integration it no longer
 * routes to is not repeated).
 *
 * The repeat's number (lastRepeat + 1) is part of its job id, so a replayed or concurrent pass plans the same id: the
 * outbox and the queue each keep one. Grouped integrations get rows only, flushed with their group.
 */
export function planRepeats(
  routing: RoutingConfig,
  candidates: readonly RepeatCandidate[],
  now: Date,
  ctx: { traceparent?: string } = {},
): NotificationPlan {
  const plan: NotificationPlan = { rows: [], jobs: [], invalid: [] };
  for (const c of candidates) {
    const repeat = c.lastRepeat + 1;
    const finding = notifiedFinding(c.finding);
    const d = planDeliveries(routing, {
      finding,
      kind: 'trigger',
      transitionSeq: c.transitionSeq,
      repeat,
      at: now.toISOString(),
      ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
    }).find(
      (p) =>
        p.payload.receiver === c.receiver &&
        p.payload.integration === c.integration &&
        p.payload.integrationIndex === c.integrationIndex,
    );
    const interval = d?.route.repeatIntervalMs ?? 0;
    if (!d || interval <= 0 || now.getTime() - c.lastNotifiedAt.getTime() < interval) continue;
    const valid = notifiedFindingSchema.safeParse(finding);
    if (!valid.success) {
      plan.invalid.push({ jobId: d.jobId, reason: valid.error.message });
      continue;
    }
    plan.rows.push({
      findingId: c.finding.id,
      receiver: c.receiver,
      integration: c.integration,
      integrationIndex: c.integrationIndex,
      kind: 'trigger',
      transitionSeq: c.transitionSeq,
      repeat,
      jobId: d.jobId,
      createdAt: now,
      ...(d.group ? { group: d.group } : {}),
    });
    if (!d.group) plan.jobs.push({ jobId: d.jobId, payload: d.payload, delayMs: 0 });
  }
  return plan;
}
