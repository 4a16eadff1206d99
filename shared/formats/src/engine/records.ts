import { LineCounter, parseAllDocuments } from 'yaml';
import { fail, guard, placeAt, type Out } from '../internal/emit';
import { parseJson } from '../internal/json';
import { MAX_YAML_DEPTH, yamlTooDeep } from '../internal/yaml-depth';
import type { FormatId, ParseContext, Position } from '../types';
import type { Handler, LineParser } from './handler';

type RecordsHandler = Extract<Handler, { kind: 'records' }>;
type Mode = 'undecided' | 'json-lines' | 'json-doc' | 'yaml';

/**
 * Decides from the first non-empty line how a records input is laid out, then streams it:
 * a line that is a whole JSON value means JSON lines (one record per line, one error per bad line);
 * a line that only opens one means a single pretty-printed document (held until the end);
 * anything else is YAML, split at `---` so a multi-document file is parsed one document at a time.
 */
export function recordsParser(h: RecordsHandler, ctx: ParseContext, format: FormatId): LineParser {
  let mode: Mode = 'undecided';
  let buf: string[] = [];
  let start: Position = { line: 1, offset: 0 };

  const record = (value: unknown, pos: Position, snippet: string): Out[] =>
    placeAt(guard(ctx, format, snippet, () => h.record(value, ctx)), pos);

  const jsonLine = (text: string, pos: Position): Out[] => {
    if (text.trim() === '') return [];
    const r = parseJson(text);
    if (!r.ok) return [fail(ctx, format, r.reason, text, pos)];
    return record(r.value, pos, text);
  };

  const flushJsonDoc = (): Out[] => {
    const text = buf.join('\n');
    buf = [];
    if (text.trim() === '') return [];
    const r = parseJson(text);
    if (r.ok) return record(r.value, start, text);
    if (h.yaml) return yamlDocs(text, start);
    return [fail(ctx, format, r.reason, snippetAt(text, r.position), positionIn(text, r.position, start))];
  };

  const yamlDocs = (text: string, at: Position): Out[] => {
    const deep = yamlTooDeep(text);
    if (deep !== undefined) {
      const pos = positionIn(text, text.split('\n').slice(0, deep - 1).join('\n').length + (deep > 1 ? 1 : 0), at);
      return [fail(ctx, format, `YAML nested deeper than ${MAX_YAML_DEPTH} levels`, text.split('\n')[deep - 1], pos)];
    }
    const lc = new LineCounter();
    const out: Out[] = [];
    for (const doc of parseAllDocuments(text, { lineCounter: lc, prettyErrors: false })) {
      const docPos = positionIn(text, doc.range[0], at);
      const err = doc.errors[0];
      if (err) {
        const p = err.pos[0];
        out.push(fail(ctx, format, `invalid YAML: ${err.message}`, snippetAt(text, p), positionIn(text, p, at)));
        continue;
      }
      const value: unknown = doc.toJS({ maxAliasCount: 100 });
      if (value === null || value === undefined) continue;
      out.push(...record(value, docPos, text.slice(doc.range[0], doc.range[0] + 400)));
    }
    return out;
  };

  const flushYaml = (): Out[] => {
    const text = buf.join('\n');
    buf = [];
    return text.trim() === '' ? [] : guard(ctx, format, text, () => yamlDocs(text, start));
  };

  return {
    line(text, pos) {
      if (mode === 'undecided') {
        const t = text.trim();
        if (t === '') return [];
        if (t.startsWith('{') || t.startsWith('[')) mode = isWholeValue(t) ? 'json-lines' : 'json-doc';
        else mode = h.yaml ? 'yaml' : 'json-lines';
        start = pos;
      }
      if (mode === 'json-lines') return jsonLine(text, pos);
      if (mode === 'yaml' && /^---(\s|$)/.test(text) && buf.length > 0) {
        const out = flushYaml();
        buf = [text];
        start = pos;
        return out;
      }
      buf.push(text);
      return [];
    },
    end() {
      if (mode === 'json-doc') return flushJsonDoc();
      if (mode === 'yaml') return flushYaml();
      return [];
    },
  };
}

/** `{...}` or `[...]` on one line: a JSON-lines record (even a broken one), not the start of a document. */
function isWholeValue(t: string): boolean {
  return t.length > 1 && ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']')));
}

/** The line and the exact byte offset of character `index` of a chunk that starts at `at`. */
export function positionIn(text: string, index: number | undefined, at: Position): Position {
  if (index === undefined || index < 0) return at;
  const before = text.slice(0, Math.min(index, text.length));
  let lines = 0;
  for (let i = before.indexOf('\n'); i >= 0; i = before.indexOf('\n', i + 1)) lines++;
  return { line: at.line + lines, offset: at.offset + Buffer.byteLength(before) };
}

function snippetAt(text: string, index: number | undefined): string {
  if (index === undefined) return text.slice(0, 400);
  const from = text.lastIndexOf('\n', Math.max(0, index - 1)) + 1;
  return text.slice(from, from + 400);
}
