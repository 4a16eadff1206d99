import type { NotifiedFinding } from '@ztv/jobs';

/** Cuts `s` to at most `max` characters, marking the cut with an ellipsis. */
export function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

/** The dashboard page of a finding (the dashboard routes in the URL's fragment: `/#/findings/<id>`). */
export function findingUrl(dashboardUrl: string, findingId: string): string {
  return `${dashboardUrl.replace(/\/+$/, '')}/#/findings/${encodeURIComponent(findingId)}`;
}

/** The thing a person would fix, in a few words (DESIGN §4): "Deployment prod/api", "node worker-1", a SPIFFE ID. */
export function subjectLabel(s: NotifiedFinding['subject']): string {
  if (s.kind === 'Namespace' && s.name) return `Namespace ${s.name}`;
  if (s.kind && s.name) return `${s.kind} ${s.namespace ? `${s.namespace}/` : ''}${s.name}`;
  if (s.spiffeId) return s.spiffeId;
  if (s.node) return `node ${s.node}`;
  if (s.origin) return s.origin;
  if (s.namespace) return `Namespace ${s.namespace}`;
  if (s.name) return s.name;
  return 'cluster';
}

/** A few `key: value` lines of evidence, values flattened and shortened, with a count of what was left out. */
export function evidenceLines(
  evidence: Record<string, unknown>,
  opts: { maxLines: number; maxValue: number },
): string[] {
  const entries = Object.entries(evidence).filter(([, v]) => v !== undefined && v !== null && v !== '');
  const lines = entries
    .slice(0, opts.maxLines)
    .map(([k, v]) => `${k}: ${truncate(typeof v === 'string' ? v : JSON.stringify(v), opts.maxValue)}`);
  if (entries.length > opts.maxLines) lines.push(`… and ${entries.length - opts.maxLines} more`);
  return lines;
}

/** "2h 5m" between two RFC 3339 instants. */
export function elapsed(from: string, to: string): string {
  const s = Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts = [d && `${d}d`, h && `${h}h`, m && `${m}m`].filter(Boolean);
  return parts.length ? parts.slice(0, 2).join(' ') : `${s}s`;
}

// Route label → the dashboard's findings filter of the same meaning.
const dashboardFilter: Record<string, string> = {
  severity: 'severity',
  ruleId: 'rule',
  area: 'area',
  cluster: 'cluster',
  namespace: 'namespace',
};

/** The dashboard's findings list filtered by route labels (a group's): where the findings a message leaves out are. */
export function findingsListUrl(dashboardUrl: string, labels: Record<string, string>): string {
  const query = new URLSearchParams();
  for (const [label, value] of Object.entries(labels)) {
    const filter = dashboardFilter[label];
    // The dashboard's "no namespace" is '-'.
    if (filter) query.set(filter, label === 'namespace' && value === '' ? '-' : value);
  }
  const qs = query.toString();
  return `${dashboardUrl.replace(/\/+$/, '')}/#/findings${qs ? `?${qs}` : ''}`;
}
