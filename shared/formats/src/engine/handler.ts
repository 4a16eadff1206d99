import type { Out } from '../internal/emit';
import type { ParseContext, Position } from '../types';

/** A line-oriented parser with state (multi-line records, grouping); `end` flushes what it holds. */
export interface LineParser {
  line(text: string, pos: Position): Out[];
  end(): Out[];
}

/**
 * How the engine feeds a format:
 * - records: JSON lines, or one JSON document (object or array), or (when `yaml`) YAML documents; each
 *   top-level value goes to `record`, which places its own errors or leaves the engine to place them;
 * - lines: one call per line, for text logs;
 * - document: the whole input at once, for small outputs read as a unit (chronyc, PEM, metrics).
 */
export type Handler =
  | { kind: 'records'; yaml: boolean; record(value: unknown, ctx: ParseContext): Out[] }
  | { kind: 'lines'; open(ctx: ParseContext): LineParser }
  | { kind: 'document'; parse(text: string, ctx: ParseContext): Out[] };
