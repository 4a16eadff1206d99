import type { IntegrationType, NotificationKind, NotifiedFinding, NotifyDeliverPayload } from '@ztv/jobs';
import type { Receiver } from './config';
import { groupOf, type GroupRef } from './grouping';
import { matchRoutes, routeLabels, routeSignal, type Route, type RoutingConfig } from './routing';

export interface NotificationTarget {
  integration: IntegrationType;
  index: number;
}

/**
 * The integrations of a receiver that take this kind of notification: every one takes `trigger`; `resolve` goes where
 * send_resolved is on (and always to Alertmanager, which is how it resolves); `acknowledge` goes to PagerDuty, Slack
 * and webhooks (Alertmanager has no acknowledgement; silences are its own business).
 */
export function notificationTargets(receiver: Receiver, kind: NotificationKind): NotificationTarget[] {
  const out: NotificationTarget[] = [];
  const add = (integration: IntegrationType, configs: readonly object[]) =>
    configs.forEach((c, index) => {
      if (kind === 'resolve' && 'send_resolved' in c && c.send_resolved === false) return;
      if (kind === 'acknowledge' && integration === 'alertmanager') return;
      out.push({ integration, index });
    });
  add('slack', receiver.slack_configs);
  add('pagerduty', receiver.pagerduty_configs);
  add('webhook', receiver.webhook_configs);
  add('alertmanager', receiver.alertmanager_configs);
  return out;
}

/**
 * Job id of one notification: `notify:<receiver>:<fingerprint>:<kind>:<transitionSeq>:<integration>-<index>`, and
 * for the nth repeat of a trigger `notify:<receiver>:<fingerprint>:repeat:<transitionSeq>.<n>:<integration>-<index>`.
 * Deterministic (DESIGN §1): replaying the transition (or the periodic pass that planned a repeat) enqueues nothing
 * new. The trailing integration segment gives every integration of a receiver its own job, so a PagerDuty retry never
 * re-posts the Slack message that already went out.
 */
export function notifyJobId(
  p: Pick<
    NotifyDeliverPayload,
    'receiver' | 'kind' | 'transitionSeq' | 'integration' | 'integrationIndex' | 'repeat'
  > & { fingerprint: string },
): string {
  const what = p.repeat ? `repeat:${p.transitionSeq}.${p.repeat}` : `${p.kind}:${p.transitionSeq}`;
  return `notify:${p.receiver}:${p.fingerprint}:${what}:${p.integration}-${p.integrationIndex}`;
}

export interface PlannedDelivery {
  jobId: string;
  payload: NotifyDeliverPayload;
  /** Timings of the route that chose the receiver (the first one, if several did), for the caller's scheduling. */
  route: Pick<Route, 'path' | 'groupWaitMs' | 'groupIntervalMs' | 'repeatIntervalMs'>;
  /** Set when the route groups this integration's notifications: it goes out with its group, not as its own job. */
  group?: GroupRef;
}

/**
 * Every notification one transition of a finding causes: route it, then one delivery per integration that takes it.
 * The route timings come back so the caller can delay triggers by group_wait and schedule repeats, and the group
 * (see groupOf) where the route groups findings for that integration.
 */
export function planDeliveries(
  config: RoutingConfig,
  t: {
    finding: NotifiedFinding;
    kind: NotificationKind;
    transitionSeq: number;
    /** trigger: the nth "still firing" repeat. */
    repeat?: number;
    at: string;
    actor?: string;
    traceparent?: string;
  },
): PlannedDelivery[] {
  const routeOf = new Map<string, Route>();
  for (const r of matchRoutes(config.route, routeLabels(t.finding)))
    if (!routeOf.has(r.receiver)) routeOf.set(r.receiver, r);
  return routeSignal(config, routeLabels(t.finding)).flatMap((receiver) =>
    notificationTargets(receiver, t.kind).map(({ integration, index }) => {
      const route = routeOf.get(receiver.name)!;
      const { path, groupWaitMs, groupIntervalMs, repeatIntervalMs } = route;
      const payload: NotifyDeliverPayload = {
        receiver: receiver.name,
        integration,
        integrationIndex: index,
        kind: t.kind,
        transitionSeq: t.transitionSeq,
        ...(t.repeat && t.kind === 'trigger' ? { repeat: t.repeat } : {}),
        at: t.at,
        ...(t.actor ? { actor: t.actor } : {}),
        finding: t.finding,
        ...(t.traceparent ? { traceparent: t.traceparent } : {}),
      };
      const group = groupOf(route, { receiver: receiver.name, integration, index, finding: t.finding });
      return {
        jobId: notifyJobId({ ...payload, fingerprint: t.finding.fingerprint }),
        payload,
        route: { path, groupWaitMs, groupIntervalMs, repeatIntervalMs },
        ...(group ? { group } : {}),
      };
    }),
  );
}
