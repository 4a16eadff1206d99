import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { isFormatId, readFileEvents, type FormatId } from '@ztv/formats';
import { severities, severityRank, type Severity, type ZtvEvent } from '@ztv/events';
import { baselineRules, defaultRulesConfig, evaluateOffline, rulesConfig, type OfflineFinding } from '@ztv/rules';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { renderTable } from '../output/table';
import { toSarif } from '../output/sarif';
import { UsageError, type Io } from '../io';

interface EvaluateOptions {
  output: 'table' | 'json' | 'sarif';
  failOn: Severity | 'never';
  now?: string;
  format?: string;
  cluster: string;
  config?: string;
  strict?: boolean;
  showSuppressed?: boolean;
}

export function registerEvaluate(program: Command, io: Io): void {
  program
    .command('evaluate')
    .description('Evaluate files and folders offline against the ZTA baseline rule pack and print the findings.')
    .argument('<paths...>', 'files or folders (folders are read recursively; hidden entries are skipped)')
    .option('-o, --output <format>', 'table | json | sarif', 'table')
    .option('--fail-on <severity>', `exit 1 when a finding is at or above this severity: ${severities.join(' | ')} | never`, 'high')
    .option('--now <rfc3339>', 'fix the clock (certificate checks become reproducible)')
    .option('--format <id>', 'read every file as this format instead of detecting it')
    .option('--cluster <name>', 'cluster name used in subjects and fingerprints', 'offline')
    .option('--config <file>', 'YAML config file; its `rules:` section sets thresholds and exceptions')
    .option('--strict', 'exit 2 when any input record is malformed (default: report it and go on)')
    .option('--show-suppressed', 'include findings covered by an exception (always counted on stderr)')
    .addHelpText(
      'after',
      `
Formats are detected per file from content and name: Kubernetes manifests (YAML/JSON, multi-document, Lists),
audit events (JSON, JSON lines, EventList), Hubble flows, Envoy/Istio access logs, ztunnel logs, Envoy /certs,
PEM certificates, SPIFFE bundles, SPIRE logs, chronyc tracking (text and -c), node-exporter timex metrics.

Output: "table" (default) is for people; "json" prints exactly a JSON array of
{ ruleId, severity, title, message, subject, evidence } on stdout and nothing else there; "sarif" prints SARIF 2.1.0.
Malformed records are reported on stderr as file:line: reason.

Exit codes: 0 no finding at or above --fail-on; 1 at least one; 2 usage error or unreadable input
(or, with --strict, a malformed record).

Examples:
  ztv evaluate deploy/ --fail-on medium
  ztv evaluate ./certs --now 2026-01-01T00:00:00Z --output json
  ztv evaluate audit.log --format k8s-audit --output sarif > ztv.sarif`,
    )
    .action(async (paths: string[], opts: EvaluateOptions) => {
      io.exitCode = await evaluate(paths, opts, io);
    });
}

async function evaluate(paths: string[], opts: EvaluateOptions, io: Io): Promise<number> {
  if (!['table', 'json', 'sarif'].includes(opts.output)) throw new UsageError(`--output must be table, json or sarif (got "${opts.output}")`);
  if (opts.failOn !== 'never' && !(severities as readonly string[]).includes(opts.failOn)) {
    throw new UsageError(`--fail-on must be one of ${severities.join(', ')} or never (got "${opts.failOn}")`);
  }
  if (opts.format && !isFormatId(opts.format)) throw new UsageError(`--format: unknown format "${opts.format}"`);
  const now = opts.now ? new Date(opts.now) : io.now();
  if (opts.now && (Number.isNaN(now.getTime()) || !/^\d{4}-\d\d-\d\dT/.test(opts.now))) throw new UsageError(`--now must be an RFC 3339 time such as 2026-01-01T00:00:00Z (got "${opts.now}")`);
  const config = loadConfig(opts.config);

  const files: string[] = [];
  for (const p of paths) files.push(...(await listFiles(p)));
  const events: ZtvEvent[] = [];
  const origins = new Map<string, string>();
  let malformed = 0;
  for (const file of files) {
    const ctx = { cluster: opts.cluster, file, observedAt: now.toISOString(), ...(opts.format ? { format: opts.format as FormatId } : {}) };
    for await (const item of readFileEvents(file, ctx)) {
      if (item.ok) {
        events.push(item.event);
        if (item.event.type === 'k8s.resource') origins.set(subjectKey(item.event.data.namespace, item.event.data.kind, item.event.data.name), file);
      } else {
        malformed++;
        io.stderr(`${item.error.file ?? file}:${item.error.line ?? 0}: ${item.error.reason}`);
      }
    }
  }
  const result = evaluateOffline(events, { config, cluster: opts.cluster, now });
  for (const e of result.errors) io.stderr(`rule ${e.ruleId} could not evaluate event ${e.eventId}: ${e.error}`);
  const active = sortFindings(result.findings.filter((f) => !f.suppressedBy));
  const suppressed = result.findings.filter((f) => f.suppressedBy);
  const shown = opts.showSuppressed ? sortFindings(result.findings) : active;

  if (opts.output === 'json') {
    io.stdout(JSON.stringify(shown.map(({ ruleId, severity, title, message, subject, evidence, suppressedBy }) => ({ ruleId, severity, title, message, subject, evidence, ...(suppressedBy ? { suppressedBy } : {}) })), null, 2));
  } else if (opts.output === 'sarif') {
    const byFingerprint = new Map(shown.map((f) => [f.fingerprint, origins.get(subjectKey(f.subject.namespace, f.subject.kind, f.subject.name)) ?? ''] as const));
    io.stdout(JSON.stringify(toSarif(shown, baselineRules, byFingerprint, io.version), null, 2));
  } else {
    io.stdout(shown.length ? renderTable(['SEVERITY', 'RULE', 'SUBJECT', 'MESSAGE'], shown.map((f) => [f.suppressedBy ? `(${f.severity})` : f.severity, f.ruleId, subjectText(f), f.message]), 90) : 'No findings.');
  }
  io.stderr(`${files.length} file(s), ${events.length} event(s), ${malformed} malformed record(s); ${active.length} finding(s), ${suppressed.length} suppressed by exceptions`);
  if (opts.strict && malformed > 0) return 2;
  if (opts.failOn === 'never') return 0;
  const bar = severityRank[opts.failOn];
  return active.some((f) => severityRank[f.severity] >= bar) ? 1 : 0;
}

function loadConfig(path: string | undefined) {
  if (!path) return defaultRulesConfig();
  let doc: { rules?: unknown } | null;
  try {
    doc = parseYaml(readFileSync(path, 'utf8')) as { rules?: unknown } | null;
  } catch (err) {
    throw new UsageError(`--config ${path}: ${(err as Error).message}`);
  }
  const r = rulesConfig.safeParse(doc?.rules ?? {});
  if (!r.success) throw new UsageError(`--config ${path}: ${r.error.issues.map((i) => `rules.${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

async function listFiles(p: string): Promise<string[]> {
  let s;
  try {
    s = await stat(p);
  } catch (err) {
    throw new UsageError(`cannot read ${p}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (err as Error).message}`);
  }
  if (s.isFile()) return [p];
  if (!s.isDirectory()) return [];
  const out: string[] = [];
  for (const entry of (await readdir(p)).sort()) {
    if (entry.startsWith('.')) continue;
    out.push(...(await listFiles(join(p, entry))));
  }
  return out;
}

function sortFindings(f: OfflineFinding[]): OfflineFinding[] {
  return [...f].sort((a, b) => severityRank[b.severity] - severityRank[a.severity] || a.ruleId.localeCompare(b.ruleId) || subjectText(a).localeCompare(subjectText(b)));
}

function subjectText(f: OfflineFinding): string {
  const s = f.subject;
  if (s.spiffeId) return s.spiffeId;
  if (s.node) return `node/${s.node}`;
  if (s.origin) return s.origin;
  return [s.namespace, s.kind && s.kind !== 'Namespace' ? `${s.kind}/${s.name}` : s.kind === 'Namespace' ? 'Namespace' : s.name].filter(Boolean).join(' ');
}

/** Namespaces are cluster-scoped objects, though a namespace-level subject names its namespace too. */
const subjectKey = (ns: string | undefined, kind: string | undefined, name: string | undefined) => `${kind === 'Namespace' ? '' : (ns ?? '')}/${kind ?? ''}/${name ?? ''}`;
