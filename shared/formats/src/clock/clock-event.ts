import type { ClockData } from '@ztv/events';
import { emit } from '../internal/emit';
import type { FormatId, ParseContext, ParseItem } from '../types';

/** A clock reading as an event: id `<node>@<time>/<method>`, keyed by node downstream. */
export function clockItem(ctx: ParseContext, format: FormatId, time: string | undefined, data: ClockData): ParseItem {
  const at = time ?? ctx.observedAt;
  return emit(ctx, format, { type: 'clock', id: `${data.node}@${at}/${data.method}`, time: at, data });
}

const GENERIC = new Set(['tracking', 'chrony', 'chronyc', 'timex', 'output', 'stdout', 'metrics', 'csv', 'txt']);
const PREFIXES = ['chronyc-csv-tracking-', 'chronyc-c-tracking-', 'chronyc-tracking-', 'chrony-tracking-', 'chronyc-csv-', 'chronyc-', 'chrony-', 'tracking-'];

/**
 * The node a reading belongs to when the input itself does not say: the `--node` flag (ctx.node), else the
 * file name, read as `[chronyc-[csv-]tracking-]<node>.<ext>` (`chronyc-tracking-worker-4.txt` → worker-4).
 */
export function nodeFromContext(ctx: ParseContext): string | undefined {
  if (ctx.node) return ctx.node;
  if (!ctx.file) return undefined;
  const base = ctx.file.split(/[\\/]/).pop() ?? '';
  let stem = base.replace(/(\.(txt|csv|out|log|json))+$/i, '');
  const prefix = PREFIXES.find((p) => stem.toLowerCase().startsWith(p));
  if (prefix) stem = stem.slice(prefix.length);
  if (stem === '' || GENERIC.has(stem.toLowerCase())) return undefined;
  return /^[A-Za-z0-9]([-A-Za-z0-9._]{0,251}[A-Za-z0-9])?$/.test(stem) ? stem : undefined;
}

/** `# node: worker-4`, `# node=worker-4 time=2026-03-14T09:20:11Z` header lines a collector may prepend. */
export function headerFields(line: string): { node?: string; time?: string } | undefined {
  const m = /^#\s*(.*)$/.exec(line.trim());
  if (!m) return undefined;
  const out: { node?: string; time?: string } = {};
  for (const [, k, v] of (m[1] ?? '').matchAll(/(node|time)\s*[:=]\s*(\S+)/g)) {
    if (k === 'node' && v) out.node = v;
    if (k === 'time' && v) out.time = v;
  }
  return out;
}
