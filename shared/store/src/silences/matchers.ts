import type { SilenceMatcher } from '../schema/index';

/** The labels a silence can match on: the routing labels, plus the fingerprint to silence one finding. */
export const silenceLabelNames = [
  'ruleId',
  'severity',
  'cluster',
  'namespace',
  'area',
  'fingerprint',
] as const;
export type SilenceLabelName = (typeof silenceLabelNames)[number];
export type SilenceLabels = Record<SilenceLabelName, string>;

const ops = ['=', '!=', '=~', '!~'] as const;

/** Labels of a finding or a signal; an absent namespace is the empty string, as in Alertmanager. */
export function silenceLabels(f: {
  ruleId: string;
  severity: string;
  cluster: string;
  area: string;
  fingerprint: string;
  namespace?: string | null;
}): SilenceLabels {
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    cluster: f.cluster,
    namespace: f.namespace ?? '',
    area: f.area,
    fingerprint: f.fingerprint,
  };
}

// Alertmanager anchors regular expressions: "prod" matches only "prod", not "preprod".
const anchored = (pattern: string) => new RegExp(`^(?:${pattern})$`);

/**
 * Why these matchers cannot make a silence (empty when they can). Like Alertmanager: at least one matcher, known label
 * names, valid regular expressions, and at least one matcher that does not match the empty string (a silence of
 * everything is a mistake, not a tool).
 */
export function silenceMatcherIssues(matchers: unknown): string[] {
  if (!Array.isArray(matchers) || matchers.length === 0)
    return ['matchers: at least one matcher is required'];
  const issues: string[] = [];
  matchers.forEach((m: unknown, i) => {
    const at = `matchers[${i}]`;
    if (typeof m !== 'object' || m === null) return void issues.push(`${at}: an object { name, op, value }`);
    const { name, op, value } = m as Record<string, unknown>;
    if (!silenceLabelNames.includes(name as SilenceLabelName))
      issues.push(`${at}.name: one of ${silenceLabelNames.join(', ')}`);
    if (!ops.includes(op as (typeof ops)[number])) issues.push(`${at}.op: one of ${ops.join(' ')}`);
    if (typeof value !== 'string') return void issues.push(`${at}.value: a string`);
    if (op === '=~' || op === '!~') {
      try {
        anchored(value);
      } catch (err) {
        issues.push(`${at}.value: invalid regular expression: ${(err as Error).message}`);
      }
    }
  });
  if (issues.length === 0 && (matchers as SilenceMatcher[]).every((m) => compileMatcher(m)('')))
    issues.push('matchers: at least one matcher must not match the empty string');
  return issues;
}

function compileMatcher(m: SilenceMatcher): (value: string) => boolean {
  switch (m.op) {
    case '=':
      return (v) => v === m.value;
    case '!=':
      return (v) => v !== m.value;
    case '=~': {
      const re = anchored(m.value);
      return (v) => re.test(v);
    }
    case '!~': {
      const re = anchored(m.value);
      return (v) => !re.test(v);
    }
  }
}

/** A predicate true for labels that every matcher matches. Matchers must be valid (silenceMatcherIssues). */
export function compileSilence(matchers: readonly SilenceMatcher[]): (labels: SilenceLabels) => boolean {
  const compiled = matchers.map((m) => ({ name: m.name as SilenceLabelName, test: compileMatcher(m) }));
  return (labels) => compiled.every((c) => c.test(labels[c.name] ?? ''));
}

/** `suppressed_by` of a finding silenced by this silence; rule exceptions use their own ids, people leave it null. */
export const silenceSuppressor = (silenceId: string) => `silence:${silenceId}`;
export const silenceIdOf = (suppressedBy: string | null): string | undefined =>
  suppressedBy?.startsWith('silence:') ? suppressedBy.slice('silence:'.length) : undefined;
