import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { detectFormat } from '../detect';
import { fail, isSkip, type Out } from '../internal/emit';
import type { ParseContext, ParseItem, Position } from '../types';
import { contextProblem } from './context';
import { HEAD_BYTES } from './parse-text';
import { openParser } from './sink';

interface Line {
  text: string;
  pos: Position;
}

/**
 * Parses an input as it arrives, yielding events and errors in input order without holding the whole input
 * (JSON lines, logs, multi-document YAML one document at a time; single JSON documents and small outputs
 * such as chronyc are held until they end). `input` is either an async iterable of lines (each string one
 * line, or several separated by `\n`) or a byte/text stream (a file, a socket, stdin). Without
 * `ctx.format` the format is detected from the first lines. Never throws for bad input.
 */
export async function* parseStream(input: AsyncIterable<string> | Readable, ctx: ParseContext): AsyncGenerator<ParseItem> {
  const bad = contextProblem(ctx);
  if (bad) {
    yield { ok: false, error: bad };
    return;
  }
  const lines = input instanceof Readable ? linesOfStream(input) : linesOfIterable(input);
  try {
    const head: Line[] = [];
    let format = ctx.format;
    if (!format) {
      let size = 0;
      while (size < HEAD_BYTES && head.length < 200) {
        const r = await lines.next();
        if (r.done) break;
        head.push(r.value);
        size += r.value.text.length + 1;
      }
      format = detectFormat(ctx.file ?? '', head.map((l) => l.text).join('\n'));
      if (!format) {
        const e = fail(ctx, undefined, 'no format given and none recognised from the content or file name', head[0]?.text ?? '', { line: 1, offset: 0 });
        if (!e.ok) yield e;
        return;
      }
    }
    const p = openParser(format, ctx);
    for (const l of head) yield* items(p.line(l.text, l.pos));
    for (let r = await lines.next(); !r.done; r = await lines.next()) yield* items(p.line(r.value.text, r.value.pos));
    yield* items(p.end());
  } finally {
    // Closes the source too when the consumer stops early.
    await lines.return(undefined);
  }
}

function* items(outs: Out[]): Generator<ParseItem> {
  for (const o of outs) if (!isSkip(o)) yield o;
}

async function* linesOfIterable(input: AsyncIterable<string>): AsyncGenerator<Line> {
  let line = 1;
  let offset = 0;
  for await (const chunk of input) {
    const parts = String(chunk).split('\n');
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop(); // a line that brought its own newline
    for (const raw of parts) {
      yield { text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, pos: { line, offset } };
      offset += Buffer.byteLength(raw) + 1;
      line++;
    }
  }
}

async function* linesOfStream(input: Readable): AsyncGenerator<Line> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let line = 1;
  let offset = 0;
  const next = (raw: string): Line => {
    const l = { text: raw.endsWith('\r') ? raw.slice(0, -1) : raw, pos: { line, offset } };
    offset += Buffer.byteLength(raw) + 1;
    line++;
    return l;
  };
  for await (const chunk of input) {
    rest += typeof chunk === 'string' ? chunk : decoder.write(chunk as Buffer);
    let from = 0;
    for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n', from)) {
      yield next(rest.slice(from, nl));
      from = nl + 1;
    }
    rest = rest.slice(from);
  }
  rest += decoder.end();
  if (rest !== '') yield next(rest);
}
