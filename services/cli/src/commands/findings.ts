import type { Command } from 'commander';
import type { Io } from '../io';
import { addApiOptions, ApiClient, type ApiOptions } from './api-client';
import { action, addOutputOption, ago, exitCodesHelp, outputFormat, print } from './support';

interface Finding {
  id: string;
  ruleId: string;
  severity: string;
  status: string;
  cluster: string;
  namespace: string | null;
  subject: Record<string, string | undefined>;
  title: string;
  message: string;
  evidence: Record<string, unknown>;
  lastSeenAt: string;
  firstSeenAt: string;
  occurrences: number;
}
interface Detail {
  finding: Finding;
  history: { kind: string; actor: string | null; at: string; data: Record<string, unknown> }[];
  notifications: { receiver: string; kind: string; status: string }[];
  remediations: { id: string; playbook: string; status: string; requestedBy: string }[];
}
interface ListOptions extends ApiOptions {
  output: string;
  status?: string;
  severity?: string;
  rule?: string;
  area?: string;
  cluster?: string;
  namespace?: string;
  since?: string;
  limit: string;
  all?: boolean;
}

export function subjectText(s: Record<string, string | undefined>): string {
  if (s.spiffeId) return s.spiffeId;
  if (s.node) return `node/${s.node}`;
  if (s.origin) return s.origin;
  if (s.kind === 'Namespace') return `namespace/${s.name}`;
  return [s.namespace, s.kind && s.name ? `${s.kind}/${s.name}` : s.name].filter(Boolean).join(' ');
}

export function registerFindings(program: Command, io: Io): void {
  const findings = program
    .command('findings')
    .description('list, show, acknowledge and resolve findings (through the ztv API)')
    .addHelpText('after', `\nThese commands talk to the ztv API (--api-url / ZTV_API_URL) with an API token (--token / ZTV_API_TOKEN).\n${exitCodesHelp}`);

  addOutputOption(addApiOptions(findings.command('list').description('findings, newest first (default: open and acknowledged)')))
    .option('--status <list>', 'open,acknowledged,suppressed,resolved (comma-separated) or "all"', 'open,acknowledged')
    .option('--severity <list>', 'critical,high,medium,low,info')
    .option('--rule <list>', 'rule ids')
    .option('--area <list>', 'areas (network-policy, mtls, certificates, ...)')
    .option('--cluster <name>')
    .option('--namespace <name>', 'a namespace, or "-" for cluster-scoped findings')
    .option('--since <time>', 'only findings seen at or after this RFC 3339 time')
    .option('--limit <n>', 'page size', '50')
    .option('--all', 'follow every page')
    .action(
      action(io, async (opts: ListOptions) => {
        const format = outputFormat(opts.output);
        const api = await ApiClient.fromOptions(opts);
        const q = new URLSearchParams({ limit: opts.limit });
        if (opts.status && opts.status !== 'all') q.set('status', opts.status);
        for (const key of ['severity', 'rule', 'area', 'cluster', 'namespace', 'since'] as const) if (opts[key]) q.set(key, opts[key]);
        const items: Finding[] = [];
        let cursor: string | null = null;
        do {
          if (cursor) q.set('cursor', cursor);
          const page: { items: Finding[]; nextCursor: string | null } = await api.get(`/api/v1/findings?${q}`);
          items.push(...page.items);
          cursor = opts.all ? page.nextCursor : null;
        } while (cursor);
        const now = io.now();
        print(io, format, items, {
          headers: ['ID', 'SEVERITY', 'STATUS', 'RULE', 'CLUSTER', 'SUBJECT', 'LAST SEEN'],
          rows: items.map((f) => [f.id, f.severity, f.status, f.ruleId, f.cluster, subjectText(f.subject), ago(f.lastSeenAt, now)]),
          empty: 'No findings.',
        });
      }),
    );

  addOutputOption(addApiOptions(findings.command('show').description('one finding: evidence, history, notifications, remediations').argument('<id>', 'finding id (fnd_…)'))).action(
    action(io, async (id: string, opts: ApiOptions & { output: string }) => {
      const format = outputFormat(opts.output);
      const api = await ApiClient.fromOptions(opts);
      const d: Detail = await api.get(`/api/v1/findings/${encodeURIComponent(id)}`);
      if (format === 'json') return void io.stdout(JSON.stringify(d, null, 2));
      const f = d.finding;
      const now = io.now();
      io.stdout(`${f.id}  ${f.severity.toUpperCase()}  ${f.status}  ${f.ruleId}`);
      io.stdout(`${f.title}\n${f.message}`);
      io.stdout(`subject: ${subjectText(f.subject)}   cluster: ${f.cluster}   first seen ${ago(f.firstSeenAt, now)}, last seen ${ago(f.lastSeenAt, now)}, ${f.occurrences} occurrence(s)`);
      io.stdout(`\nevidence:\n${JSON.stringify(f.evidence, null, 2)}`);
      io.stdout('\nhistory:');
      for (const e of d.history) {
        const note = typeof e.data.reason === 'string' ? ` (${e.data.reason})` : typeof e.data.step === 'string' ? ` (${e.data.step})` : '';
        io.stdout(`  ${e.at}  ${e.kind}${note}  by ${e.actor ?? 'unknown'}`);
      }
      if (d.notifications.length) io.stdout(`\nnotifications:\n${d.notifications.map((n) => `  ${n.receiver} ${n.kind} ${n.status}`).join('\n')}`);
      if (d.remediations.length) io.stdout(`\nremediations:\n${d.remediations.map((r) => `  ${r.id} ${r.playbook} ${r.status} (requested by ${r.requestedBy})`).join('\n')}`);
    }),
  );

  for (const [name, verb, needsReason] of [
    ['ack', 'acknowledge', false],
    ['resolve', 'resolve', true],
  ] as const) {
    const cmd = addOutputOption(addApiOptions(findings.command(name).description(needsReason ? 'resolve a finding by hand (it reopens if the rule still sees the problem)' : 'acknowledge an open finding').argument('<id>', 'finding id (fnd_…)')));
    if (needsReason) cmd.requiredOption('--reason <text>', 'why (recorded in the history)');
    cmd.action(
      action(io, async (id: string, opts: ApiOptions & { output: string; reason?: string }) => {
        const format = outputFormat(opts.output);
        const api = await ApiClient.fromOptions(opts);
        const r: { changed: boolean; finding: Finding } = await api.post(`/api/v1/findings/${encodeURIComponent(id)}/${verb}`, opts.reason ? { reason: opts.reason } : {});
        if (format === 'json') io.stdout(JSON.stringify(r, null, 2));
        else io.stdout(r.changed ? `${id} is now ${r.finding.status}.` : `${id} was already ${r.finding.status}; nothing changed.`);
      }),
    );
  }
}
