import type { NotifyDeliverPayload } from '@ztv/jobs';
import type { Severity } from '@ztv/events';
import { evidenceLines, findingUrl, subjectLabel, truncate } from './format';

export type PagerDutySeverity = 'critical' | 'error' | 'warning' | 'info';

/** ztv severity → PagerDuty severity (DESIGN §6). */
export const pagerDutySeverity: Record<Severity, PagerDutySeverity> = {
  critical: 'critical',
  high: 'error',
  medium: 'warning',
  low: 'info',
  info: 'info',
};

export type PagerDutyEvent =
  | {
      routing_key: string;
      event_action: 'trigger';
      dedup_key: string;
      payload: {
        summary: string;
        source: string;
        severity: PagerDutySeverity;
        timestamp: string;
        component?: string;
        group?: string;
        class?: string;
        custom_details: Record<string, unknown>;
      };
      links: { href: string; text: string }[];
      client: string;
      client_url: string;
    }
  | { routing_key: string; event_action: 'acknowledge' | 'resolve'; dedup_key: string };

// Evidence larger than this (as JSON) is summarised, keeping the event far below the Events API's 512 KB.
const maxEvidenceJson = 16_384;

/**
 * An Events API v2 event. dedup_key is the finding fingerprint (DESIGN §1), so a re-sent trigger updates the same
 * alert, and resolve / acknowledge (which carry only routing_key, event_action and dedup_key) find it.
 */
export function pagerDutyEvent(
  p: NotifyDeliverPayload,
  routingKey: string,
  ctx: { dashboardUrl: string },
): PagerDutyEvent {
  const f = p.finding;
  const dedup_key = f.fingerprint;
  if (p.kind !== 'trigger') return { routing_key: routingKey, event_action: p.kind, dedup_key };
  const subject = subjectLabel(f.subject);
  const evidenceJson = JSON.stringify(f.evidence);
  return {
    routing_key: routingKey,
    event_action: 'trigger',
    dedup_key,
    payload: {
      summary: truncate(`[${f.severity}] ${f.title}: ${subject} (${f.cluster})`, 1024),
      source: f.subject.node ?? (f.subject.namespace ? `${f.cluster}/${f.subject.namespace}` : f.cluster),
      severity: pagerDutySeverity[f.severity],
      timestamp: p.at,
      component: subject,
      group: f.subject.namespace ?? f.area,
      class: f.ruleId,
      custom_details: {
        rule: f.ruleId,
        area: f.area,
        cluster: f.cluster,
        subject: f.subject,
        message: f.message,
        evidence:
          evidenceJson.length <= maxEvidenceJson
            ? f.evidence
            : evidenceLines(f.evidence, { maxLines: 20, maxValue: 500 }),
        first_seen: f.firstSeen,
        last_seen: f.lastSeen,
        fingerprint: f.fingerprint,
        finding_id: f.id,
      },
    },
    links: [{ href: findingUrl(ctx.dashboardUrl, f.id), text: 'Open finding in ztv' }],
    client: 'ztv',
    client_url: ctx.dashboardUrl,
  };
}
