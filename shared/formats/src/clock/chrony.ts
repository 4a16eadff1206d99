import type { ClockData } from '@ztv/events';
import { fail } from '../internal/emit';
import { isRecord, parseJson, str, toNumber } from '../internal/json';
import { toRfc3339 } from '../internal/time';
import type { ParseContext, ParseItem, Position } from '../types';
import { clockItem, headerFields, nodeFromContext } from './clock-event';

const FORMAT = 'chrony' as const;

/**
 * `chronyc tracking` output → a `clock` reading. "System time : X seconds fast of NTP time" is the node
 * ahead by X (offset +X), "slow" behind (−X); "Leap status : Not synchronised" is unsynchronised.
 * maxErrorSeconds is chrony's own bound, root dispersion + root delay / 2.
 * The node comes from a wrapper (a `# node: <name>` header line, or a JSON `{node, time?, tracking}`
 * object), else ctx.node, else the file name. Several outputs, each with its header, may share a file.
 */
export function parseChronyTracking(text: string, ctx: ParseContext): ParseItem[] {
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) return fromJsonWrapper(trimmed, ctx);
  const out: ParseItem[] = [];
  let header: { node?: string; time?: string } = {};
  let block: { fields: Map<string, string>; pos: Position; header: typeof header } | undefined;
  const flush = () => {
    if (block) out.push(...reading(block.fields, block.header, block.pos, ctx));
    block = undefined;
  };
  let offset = 0;
  text.split('\n').forEach((raw, i) => {
    const pos = { line: i + 1, offset };
    offset += Buffer.byteLength(raw) + 1;
    const h = headerFields(raw);
    if (h) {
      if (h.node || h.time) {
        flush();
        header = h;
      }
      return;
    }
    const m = /^([A-Za-z][A-Za-z ()]*?)\s*:\s*(.*)$/.exec(raw.trim());
    if (!m) {
      if (raw.trim() !== '') out.push(fail(ctx, FORMAT, 'not a `chronyc tracking` line', raw, pos));
      return;
    }
    const key = (m[1] ?? '').toLowerCase();
    if (key === 'reference id') flush();
    block ??= { fields: new Map(), pos, header };
    block.fields.set(key, (m[2] ?? '').trim());
  });
  flush();
  if (out.length === 0) out.push(fail(ctx, FORMAT, 'no `chronyc tracking` output in the input', text.slice(0, 120)));
  return out;
}

function reading(f: Map<string, string>, header: { node?: string; time?: string }, pos: Position, ctx: ParseContext): ParseItem[] {
  const system = /^([0-9.eE+-]+) seconds (fast|slow) of NTP time$/.exec(f.get('system time') ?? '');
  const magnitude = toNumber(system?.[1]);
  if (!system || magnitude === undefined) return [fail(ctx, FORMAT, 'no valid "System time" line', [...f].join('; '), pos)];
  const node = header.node ?? nodeFromContext(ctx);
  if (!node) return [fail(ctx, FORMAT, 'cannot tell which node this reading is from: add a `# node: <name>` header or pass the node', '', pos)];
  const leap = f.get('leap status');
  const ref = /^([0-9A-Fa-f]{8})\s*(?:\((.*)\))?$/.exec(f.get('reference id') ?? '');
  const stratum = toNumber(f.get('stratum'));
  const rootDelay = toNumber(/^(\S+) seconds$/.exec(f.get('root delay') ?? '')?.[1]);
  const rootDispersion = toNumber(/^(\S+) seconds$/.exec(f.get('root dispersion') ?? '')?.[1]);
  const data: ClockData = {
    node,
    offsetSeconds: system[2] === 'fast' || magnitude === 0 ? magnitude : -magnitude,
    synchronized: leap === undefined ? null : leap !== 'Not synchronised',
    method: 'chrony',
    ...(rootDelay !== undefined && rootDispersion !== undefined ? { maxErrorSeconds: rootDispersion + rootDelay / 2 } : {}),
    ...(stratum !== undefined && Number.isInteger(stratum) ? { stratum } : {}),
    ...(ref ? { referenceId: ref[2] ? `${ref[1]} (${ref[2]})` : (ref[1] ?? '') } : {}),
    ...(leap ? { leapStatus: leap } : {}),
  };
  return [clockItem(ctx, FORMAT, toRfc3339(header.time), data)];
}

/** `{"node": "...", "time": "...", "tracking": "<chronyc output>"}` (or an array of them, or JSON lines). */
function fromJsonWrapper(text: string, ctx: ParseContext): ParseItem[] {
  const whole = parseJson(text);
  const values = whole.ok ? (Array.isArray(whole.value) ? whole.value : [whole.value]) : text.split('\n').filter((l) => l.trim());
  return values.flatMap((v, i): ParseItem[] => {
    const pos = { line: whole.ok ? 1 : i + 1, offset: 0 };
    const parsed = typeof v === 'string' ? parseJson(v) : { ok: true as const, value: v };
    if (!parsed.ok) return [fail(ctx, FORMAT, parsed.reason, String(v), pos)];
    const o = parsed.value;
    const output = str(o, 'tracking') ?? str(o, 'output') ?? str(o, 'stdout');
    if (!isRecord(o) || output === undefined) return [fail(ctx, FORMAT, 'chrony wrapper without tracking/output text', JSON.stringify(o)?.slice(0, 200), pos)];
    const header = [str(o, 'node') ? `# node: ${str(o, 'node')}` : '', str(o, 'time') ? `# time: ${str(o, 'time')}` : ''].join(' ');
    return parseChronyTracking(`${header}\n${output}`, ctx).map((x) => (x.ok ? x : { ok: false, error: x.error.at(pos) }));
  });
}
