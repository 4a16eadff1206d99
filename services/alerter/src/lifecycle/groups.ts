import type { NotifyGroupPayload } from '@ztv/jobs';
import type { NotificationGroup, PendingGroup } from '@ztv/store';
import { groupFlushJobId, routeAt, type RoutingConfig } from '../notify/index';

/**
 * When a group's waiting notifications go out (Alertmanager's aggregation group): a group that is new, or was quiet
 * for a whole group_interval, flushes group_wait after its oldest waiting notification; a live group flushes
 * group_interval after its previous flush. A group whose route left the config flushes at once (its notifications
 * were promised; the receiver's current config decides at delivery).
 */
export function groupDueAt(routing: RoutingConfig, g: PendingGroup): Date {
  const route = routeAt(routing.route, g.route);
  if (!route) return g.firstPendingAt;
  const first = g.firstPendingAt.getTime();
  const last = g.lastFlushedAt?.getTime();
  if (last === undefined || first >= last + route.groupIntervalMs) return new Date(first + route.groupWaitMs);
  return new Date(last + route.groupIntervalMs);
}

/** The flush job of a group's flush number `seq`. */
export function groupFlushJob(
  g: NotificationGroup,
  seq: number,
  at: Date,
  traceparent?: string,
): { jobId: string; payload: NotifyGroupPayload } {
  const payload: NotifyGroupPayload = {
    receiver: g.receiver,
    integration: g.integration,
    integrationIndex: g.integrationIndex,
    groupKey: g.key,
    groupSeq: seq,
    labels: g.labels,
    at: at.toISOString(),
    ...(traceparent ? { traceparent } : {}),
  };
  return { jobId: groupFlushJobId(payload), payload };
}
