import { badRequest } from './status';

type Labels = Record<string, string>;
export type ObjectPredicate = (obj: {
  metadata?: { name?: string; namespace?: string; labels?: Labels };
}) => boolean;

const KEY = String.raw`(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?`;
const VALUE = String.raw`(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?)?`;
const EXISTS = new RegExp(`^(${KEY})$`);
const NOT_EXISTS = new RegExp(`^!\\s*(${KEY})$`);
const EQUALITY = new RegExp(`^(${KEY})\\s*(==|!=|=)\\s*(${VALUE})$`);
const SET = new RegExp(`^(${KEY})\\s+(in|notin)\\s*\\(([^)]*)\\)$`);
const NUMERIC = new RegExp(`^(${KEY})\\s*(>|<)\\s*(-?\\d+)$`);

/** Splits on commas that are not inside a `(...)` value set. */
function splitRequirements(selector: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current.trim());
      current = '';
    } else current += ch;
  }
  parts.push(current.trim());
  return parts.filter((p) => p !== '');
}

type LabelTest = (labels: Labels) => boolean;

function parseRequirement(req: string): LabelTest {
  let m: RegExpExecArray | null;
  if ((m = NOT_EXISTS.exec(req))) {
    const key = m[1]!;
    return (l) => !(key in l);
  }
  if ((m = EXISTS.exec(req))) {
    const key = m[1]!;
    return (l) => key in l;
  }
  if ((m = EQUALITY.exec(req))) {
    const [, key, op, value] = m as unknown as [string, string, string, string];
    // `!=` also matches objects without the label (labels.Selector semantics).
    return op === '!=' ? (l) => l[key] !== value : (l) => l[key] === value;
  }
  if ((m = SET.exec(req))) {
    const [, key, op, list] = m as unknown as [string, string, string, string];
    const values = new Set(list.split(',').map((v) => v.trim()));
    return op === 'in'
      ? (l) => l[key] !== undefined && values.has(l[key])
      : (l) => !values.has(l[key] ?? '\0');
  }
  if ((m = NUMERIC.exec(req))) {
    const [, key, op, bound] = m as unknown as [string, string, string, string];
    const n = Number(bound);
    return (l) => {
      const v = l[key];
      if (v === undefined || !/^-?\d+$/.test(v)) return false;
      return op === '>' ? Number(v) > n : Number(v) < n;
    };
  }
  throw badRequest(`unable to parse requirement: ${JSON.stringify(req)}`);
}

/** Parses a label selector (`=`, `==`, `!=`, `in`, `notin`, `key`, `!key`, `>`, `<`) into a predicate. */
export function parseLabelSelector(selector: string | undefined): ObjectPredicate {
  if (!selector?.trim()) return () => true;
  const tests = splitRequirements(selector).map(parseRequirement);
  return (obj) => {
    const labels = obj.metadata?.labels ?? {};
    return tests.every((t) => t(labels));
  };
}

const FIELDS: Record<string, (obj: Parameters<ObjectPredicate>[0]) => string> = {
  'metadata.name': (o) => o.metadata?.name ?? '',
  'metadata.namespace': (o) => o.metadata?.namespace ?? '',
};

/** Parses a field selector over metadata.name / metadata.namespace (`=`, `==`, `!=`). */
export function parseFieldSelector(selector: string | undefined): ObjectPredicate {
  if (!selector?.trim()) return () => true;
  const tests = selector.split(',').map((req) => {
    const m = /^\s*([\w.]+)\s*(==|!=|=)\s*(.*?)\s*$/.exec(req);
    if (!m) throw badRequest(`invalid field selector: ${JSON.stringify(req)}`);
    const [, field, op, value] = m as unknown as [string, string, string, string];
    const read = FIELDS[field];
    if (!read) throw badRequest(`field label not supported: ${field}`);
    return op === '!='
      ? (o: Parameters<ObjectPredicate>[0]) => read(o) !== value
      : (o: Parameters<ObjectPredicate>[0]) => read(o) === value;
  });
  return (obj) => tests.every((t) => t(obj));
}
