import type { ClockData } from '@ztv/events';
import { fail } from '../internal/emit';
import { toNumber } from '../internal/json';
import { fromEpochMs } from '../internal/time';
import type { ParseContext, ParseItem, Position } from '../types';
import { clockItem } from './clock-event';

const FORMAT = 'timex' as const;
const WANTED = new Set(['node_timex_offset_seconds', 'node_timex_sync_status', 'node_timex_maxerror_seconds']);
const NODE_LABELS = ['node', 'nodename', 'kubernetes_node', 'node_name', 'hostname'];
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)(?:\s+(-?\d+))?\s*$/;

interface NodeSamples {
  offset?: number;
  sync?: number;
  maxError?: number;
  timestampMs?: number;
  pos: Position;
}

/**
 * node-exporter timex metrics (Prometheus text exposition) → one `clock` reading per node, grouped by a
 * node label (node, nodename, kubernetes_node, ...), else `instance` without its port, else ctx.node.
 * node_timex_offset_seconds is the kernel's adjtimex offset: the correction the kernel is still slewing
 * in, positive when the local clock is *behind* its reference (ntpd and systemd-timesyncd hand it
 * reference − local). ztv's offset is local − true time, so offsetSeconds = −node_timex_offset_seconds.
 * node_timex_sync_status 1 is synchronised; node_timex_maxerror_seconds becomes maxErrorSeconds.
 */
export function parseTimexMetrics(text: string, ctx: ParseContext): ParseItem[] {
  const out: ParseItem[] = [];
  const nodes = new Map<string, NodeSamples>();
  let offset = 0;
  text.split('\n').forEach((raw, i) => {
    const pos = { line: i + 1, offset };
    offset += Buffer.byteLength(raw) + 1;
    const line = raw.trim();
    if (!line.startsWith('node_timex_')) return;
    const m = SAMPLE.exec(line);
    const name = m?.[1] ?? '';
    if (!m) return out.push(fail(ctx, FORMAT, 'malformed Prometheus sample', line, pos));
    if (!WANTED.has(name)) return;
    const value = toNumber(m[3]);
    if (value === undefined) return out.push(fail(ctx, FORMAT, `sample value is not a number: ${m[3]}`, line, pos));
    const labels = parseLabels(m[2] ?? '');
    const node = NODE_LABELS.map((l) => labels[l]).find(Boolean) ?? stripPort(labels.instance) ?? ctx.node;
    if (!node) return out.push(fail(ctx, FORMAT, 'cannot tell which node this sample is from (no node or instance label)', line, pos));
    const s = nodes.get(node) ?? { pos };
    if (name === 'node_timex_offset_seconds') s.offset = value;
    if (name === 'node_timex_sync_status') s.sync = value;
    if (name === 'node_timex_maxerror_seconds') s.maxError = value;
    if (m[4] !== undefined) s.timestampMs = Math.max(s.timestampMs ?? 0, Number(m[4]));
    nodes.set(node, s);
  });
  for (const [node, s] of nodes) {
    if (s.offset === undefined) {
      out.push(fail(ctx, FORMAT, `no node_timex_offset_seconds sample for node ${node}`, '', s.pos));
      continue;
    }
    const data: ClockData = {
      node,
      offsetSeconds: s.offset === 0 ? 0 : -s.offset,
      synchronized: s.sync === undefined ? null : s.sync === 1,
      method: 'timex',
      ...(s.maxError !== undefined ? { maxErrorSeconds: s.maxError } : {}),
    };
    out.push(clockItem(ctx, FORMAT, s.timestampMs === undefined ? undefined : fromEpochMs(s.timestampMs), data));
  }
  if (out.length === 0) out.push(fail(ctx, FORMAT, 'no node_timex_* samples in the input', text.slice(0, 120)));
  return out;
}

function parseLabels(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g)) {
    if (m[1]) out[m[1]] = (m[2] ?? '').replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return out;
}

function stripPort(instance: string | undefined): string | undefined {
  if (!instance) return undefined;
  return instance.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1') || undefined;
}
