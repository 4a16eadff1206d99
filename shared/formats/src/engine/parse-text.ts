import type { FormatError } from '../errors';
import { detectFormat } from '../detect';
import { fail, isSkip, type Out } from '../internal/emit';
import type { ParseContext, ParseResult } from '../types';
import type { ZtvEvent } from '@ztv/events';
import { contextProblem } from './context';
import { openParser } from './sink';

export const HEAD_BYTES = 8192;

/**
 * Parses a whole input held in memory. The format is `ctx.format`, else detected from the content and the
 * file name. Never throws: everything that cannot be read is a FormatError in `errors`.
 */
export function parseText(text: string, ctx: ParseContext): ParseResult {
  const bad = contextProblem(ctx);
  if (bad) return { format: ctx.format, events: [], errors: [bad], skipped: 0 };
  const format = ctx.format ?? detectFormat(ctx.file ?? '', text.slice(0, HEAD_BYTES));
  if (!format) {
    const e = fail(ctx, undefined, 'no format given and none recognised from the content or file name', text.slice(0, 200), { line: 1, offset: 0 });
    return { format, events: [], errors: e.ok ? [] : [e.error], skipped: 0 };
  }
  const p = openParser(format, ctx);
  const outs: Out[] = [];
  for (const { text: line, pos } of linesOf(text)) outs.push(...p.line(line, pos));
  outs.push(...p.end());
  return collect(format, outs);
}

/** Lines with their 1-based number and UTF-8 byte offset; `\r\n` counts both bytes but `\r` is dropped. */
export function* linesOf(text: string): Generator<{ text: string; pos: { line: number; offset: number } }> {
  let line = 1;
  let offset = 0;
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    const raw = nl < 0 ? text.slice(start) : text.slice(start, nl);
    if (nl < 0 && raw === '' && start > 0) return;
    yield { text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, pos: { line, offset } };
    if (nl < 0) return;
    offset += Buffer.byteLength(raw) + 1;
    line++;
    start = nl + 1;
  }
}

function collect(format: ParseResult['format'], outs: Out[]): ParseResult {
  const events: ZtvEvent[] = [];
  const errors: FormatError[] = [];
  let skipped = 0;
  for (const o of outs) {
    if (isSkip(o)) skipped++;
    else if (o.ok) events.push(o.event);
    else errors.push(o.error);
  }
  return { format, events, errors, skipped };
}
