/** Small readers for untyped JSON: they never throw and return undefined for anything of the wrong type. */

export type JsonRecord = Record<string, unknown>;

export function isRecord(v: unknown): v is JsonRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function rec(v: unknown, key: string): JsonRecord | undefined {
  if (!isRecord(v)) return undefined;
  const x = v[key];
  return isRecord(x) ? x : undefined;
}

export function arr(v: unknown, key: string): unknown[] | undefined {
  if (!isRecord(v)) return undefined;
  const x = v[key];
  return Array.isArray(x) ? x : undefined;
}

/** A non-empty string (Envoy's "-" placeholder counts as empty). */
export function str(v: unknown, key: string): string | undefined {
  if (!isRecord(v)) return undefined;
  const x = v[key];
  if (typeof x === 'string') return x === '' || x === '-' ? undefined : x;
  return undefined;
}

/** A finite number, also from a numeric string (Envoy renders numbers as strings in `json_format`). */
export function num(v: unknown, key: string): number | undefined {
  if (!isRecord(v)) return undefined;
  return toNumber(v[key]);
}

export function toNumber(x: unknown): number | undefined {
  if (typeof x === 'number') return Number.isFinite(x) ? x : undefined;
  if (typeof x === 'string' && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(x.trim())) return Number(x);
  return undefined;
}

export function bool(v: unknown, key: string): boolean | undefined {
  if (!isRecord(v)) return undefined;
  const x = v[key];
  return typeof x === 'boolean' ? x : undefined;
}

export function strArray(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A record of strings only (labels, annotations); other values are dropped. */
export function strRecord(v: unknown): Record<string, string> | undefined {
  if (!isRecord(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

export type JsonParse = { ok: true; value: unknown } | { ok: false; reason: string; position: number | undefined };

/** JSON.parse as a value; `position` is the character index V8 reports, when it does. */
export function parseJson(text: string): JsonParse {
  // Log noise (`#`, banners, plain text) cannot be JSON: answer without paying for a thrown SyntaxError.
  const first = /\S/.exec(text);
  if (!first || !'{["-0123456789tfn'.includes(first[0])) {
    const what = first ? `unexpected ${JSON.stringify(first[0])}` : 'empty input';
    return { ok: false, reason: `invalid JSON: ${what} at position ${first?.index ?? 0}`, position: first?.index ?? 0 };
  }
  // The SyntaxError is only read for its message; skipping its stack trace makes bad lines cheap.
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(message);
    return { ok: false, reason: `invalid JSON: ${message}`, position: m ? Number(m[1]) : undefined };
  } finally {
    Error.stackTraceLimit = limit;
  }
}
