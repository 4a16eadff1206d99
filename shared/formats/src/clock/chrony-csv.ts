import type { ClockData } from '@ztv/events';
import { fail } from '../internal/emit';
import { toNumber } from '../internal/json';
import { toRfc3339 } from '../internal/time';
import type { ParseContext, ParseItem } from '../types';
import { clockItem, headerFields, nodeFromContext } from './clock-event';

const FORMAT = 'chrony-csv' as const;
const LEAP = new Set(['Normal', 'Insert second', 'Delete second', 'Not synchronised']);

/**
 * `chronyc -c tracking` → one `clock` reading per CSV line. Fields, in chronyc's order: reference ID (hex),
 * name/IP, stratum, reference time (epoch s), system time, last offset, RMS offset, frequency, residual
 * frequency, skew, root delay, root dispersion, update interval, leap status.
 * In CSV mode chronyc prints the system-time *correction* signed, and its human form says "slow" when that
 * value is positive (client.c print_report, `%O`): positive means the clock is behind, so
 * offsetSeconds = −value. The node comes from a `# node: <name>` line above, ctx.node, or the file name.
 */
export function parseChronyCsv(text: string, ctx: ParseContext): ParseItem[] {
  const out: ParseItem[] = [];
  let header: { node?: string; time?: string } = {};
  let offset = 0;
  text.split('\n').forEach((raw, i) => {
    const pos = { line: i + 1, offset };
    offset += Buffer.byteLength(raw) + 1;
    const line = raw.trim();
    if (line === '') return;
    const h = headerFields(line);
    if (h) {
      if (h.node || h.time) header = h;
      return;
    }
    const f = line.split(',');
    if (f.length !== 14) return out.push(fail(ctx, FORMAT, `expected 14 comma-separated fields, found ${f.length}`, line, pos));
    const [refId = '', name = '', stratumS, , systemS, , , , , , delayS, dispersionS, , leap = ''] = f;
    const nums = [stratumS, systemS, delayS, dispersionS].map(toNumber);
    const [stratum, correction, rootDelay, rootDispersion] = nums;
    if (!/^[0-9A-Fa-f]{8}$/.test(refId) || nums.some((n) => n === undefined) || !LEAP.has(leap)) {
      return out.push(fail(ctx, FORMAT, 'not a `chronyc -c tracking` line (reference ID, numbers or leap status malformed)', line, pos));
    }
    const node = header.node ?? nodeFromContext(ctx);
    if (!node) return out.push(fail(ctx, FORMAT, 'cannot tell which node this reading is from: add a `# node: <name>` line or pass the node', line, pos));
    const data: ClockData = {
      node,
      offsetSeconds: correction ? -correction : 0,
      synchronized: leap !== 'Not synchronised',
      method: 'chrony',
      maxErrorSeconds: (rootDispersion ?? 0) + (rootDelay ?? 0) / 2,
      ...(stratum !== undefined && Number.isInteger(stratum) ? { stratum } : {}),
      referenceId: name ? `${refId} (${name})` : refId,
      leapStatus: leap,
    };
    out.push(clockItem(ctx, FORMAT, toRfc3339(header.time), data));
  });
  if (out.length === 0) out.push(fail(ctx, FORMAT, 'no `chronyc -c tracking` line in the input', text.slice(0, 120)));
  return out;
}
