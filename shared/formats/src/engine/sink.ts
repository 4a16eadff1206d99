import { guard, placeAt, type Out } from '../internal/emit';
import type { FormatId, ParseContext, Position } from '../types';
import type { LineParser } from './handler';
import { recordsParser } from './records';
import { handlers } from './registry';

/** The line-fed parser for a format: the same code path serves parseText and parseStream. */
export function openParser(format: FormatId, ctx: ParseContext): LineParser {
  const h = handlers[format];
  if (h.kind === 'records') return recordsParser(h, ctx, format);
  if (h.kind === 'lines') {
    const p = h.open(ctx);
    return {
      line: (text, pos) => guard(ctx, format, text, () => p.line(text, pos)),
      end: () => guard(ctx, format, '', () => p.end()),
    };
  }
  const lines: string[] = [];
  return {
    line(text: string, _pos: Position): Out[] {
      lines.push(text);
      return [];
    },
    end() {
      const text = lines.join('\n');
      // A document parser places what it can; anything else is about the document as a whole.
      return placeAt(
        guard(ctx, format, text, () => h.parse(text, ctx)),
        { line: 1, offset: 0 },
      );
    },
  };
}
