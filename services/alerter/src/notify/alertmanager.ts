import type { NotifyDeliverPayload } from '@ztv/jobs';
import { findingUrl, subjectLabel } from './format';

/** A postable alert of Alertmanager's API v2 (POST /api/v2/alerts takes an array of them). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL: string;
}

/**
 * Forwards a finding to an existing Alertmanager. The fingerprint label keeps two findings of one rule apart (an
 * Alertmanager alert is identified by its label set); resolve sends the same labels with endsAt = now.
 */
export function alertmanagerAlerts(
  p: NotifyDeliverPayload,
  cfg: { ends_after: number },
  ctx: { dashboardUrl: string },
): PostableAlert[] {
  const f = p.finding;
  const labels: Record<string, string> = {
    alertname: f.ruleId,
    severity: f.severity,
    ruleId: f.ruleId,
    area: f.area,
    cluster: f.cluster,
    namespace: f.subject.namespace ?? '',
    fingerprint: f.fingerprint,
    source: 'ztv',
  };
  // Alertmanager treats an empty label value as an absent label; leave those out.
  for (const k of Object.keys(labels)) if (!labels[k]) delete labels[k];
  const url = findingUrl(ctx.dashboardUrl, f.id);
  const endsAt = p.kind === 'resolve' ? p.at : new Date(Date.parse(p.at) + cfg.ends_after).toISOString();
  return [
    {
      labels,
      annotations: {
        summary: f.title,
        description: f.message,
        subject: subjectLabel(f.subject),
        finding_url: url,
      },
      startsAt: f.firstSeen,
      endsAt,
      generatorURL: url,
    },
  ];
}
