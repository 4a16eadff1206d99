import { z } from 'zod';

const rfc3339 = z.iso.datetime({ offset: true });

/** Go's time.String(): `2027-04-22 00:41:58.5758 +0000 UTC` (optionally with a monotonic ` m=+1.2` suffix). */
const goTime = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?) ([+-])(\d{2})(\d{2})(?: [A-Z]{1,5})?(?: m=[+-]\d+(?:\.\d+)?)?$/;

/**
 * An RFC 3339 timestamp from what a source wrote. RFC 3339 input is kept as written (nanoseconds survive);
 * Go `time.String()` and `YYYY-MM-DD hh:mm:ssZ` are rewritten; other dates Date.parse understands become ISO.
 */
export function toRfc3339(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const s = v.trim();
  if (s === '' || s.length > 64) return undefined;
  if (rfc3339.safeParse(s).success && valid(s)) return s;
  const go = goTime.exec(s);
  if (go) {
    const iso = `${go[1]}T${go[2]}${go[3]}${go[4]}:${go[5]}`;
    return rfc3339.safeParse(iso).success && valid(iso) ? iso : undefined;
  }
  const spaced = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))$/.exec(s);
  if (spaced) return toRfc3339(`${spaced[1]}T${spaced[2]}`);
  // Only dates that name their zone: a bare local time would silently take the collector's zone.
  if (!/(GMT|UTC|Z|[+-]\d{2}:?\d{2})$/.test(s)) return undefined;
  const ms = Date.parse(s);
  return Number.isFinite(ms) ? fromEpochMs(ms) : undefined;
}

export function fromEpochMs(ms: number): string | undefined {
  if (!Number.isFinite(ms) || ms < 0 || ms > 253402300799999) return undefined;
  return new Date(ms).toISOString();
}

/** Milliseconds since the epoch, or NaN. Sub-millisecond digits are dropped (Date's resolution). */
export function epochMs(rfc: string): number {
  return Date.parse(rfc);
}

/** Seconds between two RFC 3339 times, to the microsecond where both carry it (a − b). */
export function secondsBetween(a: string, b: string): number | undefined {
  const ma = Date.parse(a);
  const mb = Date.parse(b);
  if (!Number.isFinite(ma) || !Number.isFinite(mb)) return undefined;
  const micro = (s: string) => {
    const m = /\.(\d+)/.exec(s);
    return m ? Number((m[1] ?? '').padEnd(6, '0').slice(3, 6)) : 0;
  };
  return Math.round((ma - mb) * 1000 + micro(a) - micro(b)) / 1e6;
}

function valid(s: string): boolean {
  return Number.isFinite(Date.parse(s));
}
