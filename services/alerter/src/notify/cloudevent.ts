import type { NotifyDeliverPayload } from '@ztv/jobs';
import { findingUrl } from './format';

export const findingEventTypes = {
  trigger: 'io.ztv.finding.firing.v1',
  resolve: 'io.ztv.finding.resolved.v1',
  acknowledge: 'io.ztv.finding.acknowledged.v1',
} as const;

/** CloudEvents 1.0, structured JSON mode (Content-Type: application/cloudevents+json). */
export interface FindingCloudEvent {
  specversion: '1.0';
  id: string;
  source: string;
  type: (typeof findingEventTypes)[keyof typeof findingEventTypes];
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  /** Distributed-tracing extension. */
  traceparent?: string;
  data: {
    kind: NotifyDeliverPayload['kind'];
    /** n ≥ 1: the nth "still firing" repeat (repeat_interval) of the firing event. */
    repeat?: number;
    actor?: string;
    findingUrl: string;
    finding: NotifyDeliverPayload['finding'];
  };
}

/**
 * The event for a generic webhook. `id` is the notification's job id: a retried delivery carries the same id, so a
 * receiver can drop duplicates (CloudEvents: source + id identify an event).
 */
export function findingCloudEvent(
  p: NotifyDeliverPayload,
  ctx: { dashboardUrl: string; jobId: string },
): FindingCloudEvent {
  return {
    specversion: '1.0',
    id: ctx.jobId,
    source: `/ztv/${p.finding.cluster}/alerter`,
    type: findingEventTypes[p.kind],
    subject: p.finding.fingerprint,
    time: p.at,
    datacontenttype: 'application/json',
    ...(p.traceparent ? { traceparent: p.traceparent } : {}),
    data: {
      kind: p.kind,
      ...(p.repeat ? { repeat: p.repeat } : {}),
      ...(p.actor ? { actor: p.actor } : {}),
      findingUrl: findingUrl(ctx.dashboardUrl, p.finding.id),
      finding: p.finding,
    },
  };
}
