import type { FlowData, FlowEndpoint } from '@ztv/events';
import type { RulesConfig } from '../config';
import type { StateSlice } from './cluster-state';

/** Buckets per window: the sliding window is exact to 1/BUCKETS of its length, and memory per source is bounded. */
const BUCKETS = 120;
/** Sources tracked at most; the least recently active are evicted first. */
const MAX_SOURCES = 50_000;

/** Hubble / Envoy drop reasons that mean "a policy said no" (Cilium flow.proto DropReason names, Envoy RBAC). */
const policyDropReasons = new Set(['POLICY_DENIED', 'POLICY_DENY', 'RBAC_ACCESS_DENIED']);

/** A flow a policy refused: verdict `denied`, or `dropped` for a policy reason (AUTH_REQUIRED is not a policy no). */
export function isPolicyDenied(f: FlowData): boolean {
  if (f.isReply) return false;
  if (f.verdict === 'denied') return true;
  return f.verdict === 'dropped' && policyDropReasons.has((f.dropReason ?? '').toUpperCase());
}

/** The source a burst is counted for: its workload (or pod), else its address or reserved entity. */
export function sourceKeyOf(src: FlowEndpoint): string | undefined {
  if (src.namespace && (src.workload || src.pod)) return `${src.namespace}/${src.workload ?? src.pod}`;
  if (src.ip) return `ip:${src.ip}`;
  if (src.identity !== undefined) return `identity:${src.identity}`;
  return src.reserved?.length ? `reserved:${src.reserved.join(',')}` : undefined;
}

export interface DeniedWindow {
  /** [bucket start ms, count], ascending. */
  buckets: [number, number][];
  total: number;
  lastAt: number;
  /** When the current burst window started firing; another finding only after a full window. */
  firedAt?: number;
  /** The event that crossed the threshold, and what the window held then. */
  burst?: { eventId: string; total: number; windowStart: number; at: number };
}

export interface FlowWindows {
  /** Insertion order = least recently active first (entries are re-inserted on update). */
  sources: Map<string, DeniedWindow>;
}

function prune(w: DeniedWindow, now: number, windowMs: number): void {
  let drop = 0;
  while (drop < w.buckets.length && (w.buckets[drop] as [number, number])[0] <= now - windowMs) {
    w.total -= (w.buckets[drop] as [number, number])[1];
    drop++;
  }
  if (drop) w.buckets.splice(0, drop);
}

function add(w: DeniedWindow, t: number, count: number, windowMs: number): void {
  const size = Math.max(1000, Math.ceil(windowMs / BUCKETS));
  const start = t - (t % size);
  const newest = Math.max(w.lastAt, t);
  if (start <= newest - windowMs) return; // older than the window: it can no longer make a burst
  let i = w.buckets.length - 1;
  while (i >= 0 && (w.buckets[i] as [number, number])[0] > start) i--;
  const b = w.buckets[i];
  if (b && b[0] === start) b[1] += count;
  else w.buckets.splice(i + 1, 0, [start, count]);
  w.total += count;
  w.lastAt = newest;
  prune(w, newest, windowMs);
}

/**
 * flow-denied-burst's sliding windows: policy-denied flows per source, by the flows' own time (not the wall clock),
 * honouring aggregated `count`. Memory is bounded: BUCKETS per source, MAX_SOURCES sources, idle sources dropped.
 */
export const deniedFlowSlice: StateSlice<FlowWindows> = {
  name: 'denied-flows',
  init: () => ({ sources: new Map() }),
  apply(s, e, config: RulesConfig) {
    if (e.type !== 'flow' || !isPolicyDenied(e.data)) return;
    const key = sourceKeyOf(e.data.source);
    if (!key) return;
    const windowMs = config.deniedWindowSeconds * 1000;
    const t = Date.parse(e.time);
    const w = s.sources.get(key) ?? { buckets: [], total: 0, lastAt: t };
    s.sources.delete(key);
    s.sources.set(key, w);
    add(w, t, e.data.count, windowMs);
    if (w.total > config.deniedBurst && (w.firedAt === undefined || t - w.firedAt >= windowMs)) {
      w.firedAt = t;
      w.burst = { eventId: e.id, total: w.total, windowStart: (w.buckets[0] as [number, number])[0], at: t };
    }
    for (const [k, old] of s.sources) {
      if (s.sources.size <= MAX_SOURCES && old.lastAt > w.lastAt - windowMs) break;
      s.sources.delete(k);
    }
  },
};
