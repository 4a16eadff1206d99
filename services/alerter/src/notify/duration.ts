const unitMs = {
  y: 365 * 86_400_000,
  w: 7 * 86_400_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
} as const;

// Prometheus / Alertmanager duration syntax: units in descending order, each at most once ("1h30m", "90s", "0").
const pattern = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Milliseconds in a duration such as "30s", "5m", "4h" or "1h30m"; undefined if it is not one. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const m = pattern.exec(text);
  if (!m || text === '') return undefined;
  const units = [unitMs.y, unitMs.w, unitMs.d, unitMs.h, unitMs.m, unitMs.s, unitMs.ms];
  return units.reduce((sum, ms, i) => sum + Number(m[i + 1] ?? 0) * ms, 0);
}
