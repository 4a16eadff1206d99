import {
  notifiedFinding as notifiedFindingSchema,
  type NotificationKind,
  type NotifiedFinding,
  type NotifyDeliverPayload,
} from '@ztv/jobs';
import { receiverKey, type Finding, type OutboxInsert, type RecordedChange } from '@ztv/store';
import { planDeliveries, type RoutingConfig } from '../notify/index';

/** A notification job ready for the queue. */
export interface QueuedNotification {
  jobId: string;
  payload: NotifyDeliverPayload;
  /** Triggers wait for their route's group_wait; a finding that resolves meanwhile pages nobody. */
  delayMs: number;
}

export interface NotificationPlan {
  /** Outbox rows, written in the transaction that recorded the changes. */
  rows: OutboxInsert[];
  /** Jobs for the rows that go on their own; grouped rows wait for their group's flush (the periodic pass). */
  jobs: QueuedNotification[];
  /** Notifications that cannot be built (a finding the job schema refuses), with the reason: logged, not queued. */
  invalid: { jobId: string; reason: string }[];
}

/** What a notification says about a finding: the row as committed. */
export function notifiedFinding(f: Finding): NotifiedFinding {
  return {
    id: f.id,
    fingerprint: f.fingerprint,
    ruleId: f.ruleId,
    // The job schema wants a title; a rule that gave none is still worth a page.
    title: f.title || f.ruleId,
    message: f.message,
    severity: f.severity,
    area: f.area,
    cluster: f.cluster,
    subject: f.subject,
    evidence: f.evidence,
    firstSeen: f.firstSeenAt.toISOString(),
    lastSeen: f.lastSeenAt.toISOString(),
  };
}

const told = (k: NotificationKind | undefined) => k === 'trigger' || k === 'acknowledge';

/**
 * Which receivers hear about a change, and how:
 * - opened, reopened → trigger, to every receiver the routing tree picks;
 * - unsuppressed → trigger, to those not already told about the live finding (a silence that ends re-pages nobody twice);
 * - resolved → resolve, to those that were told (latest notification a trigger or acknowledge), where send_resolved;
 * - acknowledged → acknowledge, to those whose latest notification is a trigger.
 * Flapped and suppressed changes never reach here. `latest` (receiverKey → kind, from latestNotificationKinds) is
 * updated as the plan goes, so several changes of one finding in a batch see each other.
 *
 * transitionSeq is the change's finding_events id: unique and increasing per finding, and fixed once committed, so a
 * replayed change plans the same job ids (and the outbox and BullMQ both drop the duplicates).
 */
export function planNotifications(
  routing: RoutingConfig,
  changes: readonly RecordedChange[],
  latest: Map<string, NotificationKind>,
  ctx: { traceparent?: string } = {},
): NotificationPlan {
  const plan: NotificationPlan = { rows: [], jobs: [], invalid: [] };
  for (const c of changes) {
    const kind: NotificationKind =
      c.kind === 'resolved' ? 'resolve' : c.kind === 'acknowledged' ? 'acknowledge' : 'trigger';
    const wants = (receiver: string) => {
      const previous = latest.get(receiverKey(c.finding.id, receiver));
      if (c.kind === 'opened' || c.kind === 'reopened') return true;
      if (c.kind === 'unsuppressed') return !told(previous);
      if (c.kind === 'resolved') return told(previous);
      return previous === 'trigger';
    };
    const finding = notifiedFinding(c.finding);
    // The snapshot is the only part of a payload that comes from data (the rest is the routing config): check it once
    // per change, so a finding the job schema refuses is reported here instead of failing the batch at enqueue.
    const valid = notifiedFindingSchema.safeParse(finding);
    const deliveries = planDeliveries(routing, {
      finding,
      kind,
      transitionSeq: c.eventId,
      at: c.at.toISOString(),
      ...(kind === 'acknowledge' && c.actor ? { actor: c.actor } : {}),
      ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
    });
    const chosen = new Set<string>();
    for (const d of deliveries) {
      if (!wants(d.payload.receiver)) continue;
      chosen.add(d.payload.receiver);
      if (!valid.success) {
        plan.invalid.push({
          jobId: d.jobId,
          reason: valid.error.issues.map((i) => `finding.${i.path.join('.')}: ${i.message}`).join('; '),
        });
        continue;
      }
      plan.rows.push({
        findingId: c.finding.id,
        receiver: d.payload.receiver,
        integration: d.payload.integration,
        integrationIndex: d.payload.integrationIndex,
        kind,
        transitionSeq: c.eventId,
        jobId: d.jobId,
        createdAt: c.at,
        ...(d.group ? { group: d.group } : {}),
      });
      if (d.group) continue;
      plan.jobs.push({
        jobId: d.jobId,
        payload: d.payload,
        delayMs: kind === 'trigger' ? d.route.groupWaitMs : 0,
      });
    }
    for (const receiver of chosen) latest.set(receiverKey(c.finding.id, receiver), kind);
  }
  return plan;
}
