import type { FlowData, FlowEndpoint, ZtvEvent } from '@ztv/events';
import type { RulesConfig } from '../config';
import type { StateSlice } from './cluster-state';
import { isoMillis } from './iso-time';

/** Buckets per window: a sliding window is exact to 1/BUCKETS of its length, and memory per key is bounded. */
const BUCKETS = 120;
/** Keys tracked at most per slice; the least recently active are evicted first. */
const MAX_KEYS = 50_000;
/**
 * Cilium drops the first packet of a new identity pair while it authenticates (by design). More AUTH_REQUIRED drops
 * than this for one pair within deniedWindowSeconds mean the handshake is failing.
 */
export const AUTH_DROPS_TOLERATED = 2;

/** Hubble / Envoy drop reasons that mean "a policy said no" (Cilium flow.proto DropReason names, Envoy RBAC). */
const policyDropReasons = new Set(['POLICY_DENIED', 'POLICY_DENY', 'RBAC_ACCESS_DENIED']);
const reason = (f: FlowData) => (f.dropReason ?? '').toUpperCase();

/**
 * A flow a policy refused: verdict `denied`, or `dropped` for a policy reason. AUTH_REQUIRED is not a policy refusal
 * but mutual authentication pending or failing (flow-plaintext's business), even where a parser reports it `denied`.
 */
export function isPolicyDenied(f: FlowData): boolean {
  if (f.verdict !== 'denied' && f.verdict !== 'dropped') return false; // most flows: forwarded
  if (f.isReply || reason(f) === 'AUTH_REQUIRED') return false;
  if (f.verdict === 'denied') return true;
  return f.verdict === 'dropped' && policyDropReasons.has(reason(f));
}

/** A flow Cilium refused because mutual authentication had not (yet) succeeded. */
export function isAuthRequiredDrop(f: FlowData): boolean {
  return !f.isReply && (f.verdict === 'dropped' || f.verdict === 'denied') && reason(f) === 'AUTH_REQUIRED';
}

/** The source a count is kept for: its workload (or pod), else its address, Cilium identity or reserved entity. */
export function sourceKeyOf(src: FlowEndpoint): string | undefined {
  if (src.namespace && (src.workload || src.pod)) return `${src.namespace}/${src.workload ?? src.pod}`;
  if (src.ip) return `ip:${src.ip}`;
  if (src.identity !== undefined) return `identity:${src.identity}`;
  return src.reserved?.length ? `reserved:${src.reserved.join(',')}` : undefined;
}

/** A source → destination pair (destination by pod, else address, else Cilium identity). */
export function pairKeyOf(f: FlowData): string | undefined {
  const src = sourceKeyOf(f.source);
  const d = f.destination;
  const dst = d.namespace && d.pod ? `${d.namespace}/${d.pod}` : (d.ip ?? (d.identity !== undefined ? `identity:${d.identity}` : undefined));
  return src && dst ? `${src} -> ${dst}` : undefined;
}

export interface FlowWindow {
  /** [bucket start ms, count], ascending. */
  buckets: [number, number][];
  total: number;
  lastAt: number;
  /** When the window last crossed its limit; it reports again only a full window later. */
  firedAt?: number;
  /** The event that crossed the limit, and what the window held then. */
  crossed?: { eventId: string; total: number; windowStart: number; at: number };
}

/** Insertion order = least recently active first (entries are re-inserted on update). */
export type FlowWindows = Map<string, FlowWindow>;

function add(w: FlowWindow, t: number, count: number, windowMs: number): void {
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
  let drop = 0;
  for (const [s, n] of w.buckets) {
    if (s > newest - windowMs) break;
    w.total -= n;
    drop++;
  }
  if (drop) w.buckets.splice(0, drop);
}

/** Counts a flow into its key's sliding window (the flows' own time, not the wall clock) and marks a crossing. */
function countFlow(ws: FlowWindows, key: string, e: Extract<ZtvEvent, { type: 'flow' }>, windowMs: number, limit: number): void {
  const t = isoMillis(e.time);
  const w = ws.get(key) ?? { buckets: [], total: 0, lastAt: t };
  ws.delete(key);
  ws.set(key, w);
  add(w, t, e.data.count, windowMs);
  if (w.total > limit && (w.firedAt === undefined || t - w.firedAt >= windowMs)) {
    w.firedAt = t;
    w.crossed = { eventId: e.id, total: w.total, windowStart: (w.buckets[0] as [number, number])[0], at: t };
  }
  for (const [k, old] of ws) {
    if (ws.size <= MAX_KEYS && old.lastAt > w.lastAt - windowMs) break;
    ws.delete(k);
  }
}

function windowSlice(name: string, keyOf: (f: FlowData) => string | undefined, limit: (c: RulesConfig) => number): StateSlice<FlowWindows> {
  return {
    name,
    on: ['flow'],
    init: () => new Map(),
    apply(ws, e, config) {
      if (e.type !== 'flow') return;
      const key = keyOf(e.data);
      if (key) countFlow(ws, key, e, config.deniedWindowSeconds * 1000, limit(config));
    },
  };
}

/** flow-denied-burst: policy-denied flows per source within deniedWindowSeconds, honouring aggregated `count`. */
export const deniedFlowSlice = windowSlice('denied-flows', (f) => (isPolicyDenied(f) ? sourceKeyOf(f.source) : undefined), (c) => c.deniedBurst);

/** flow-plaintext: AUTH_REQUIRED drops per source → destination pair within deniedWindowSeconds. */
export const authDropSlice = windowSlice('auth-required-drops', (f) => (isAuthRequiredDrop(f) ? pairKeyOf(f) : undefined), () => AUTH_DROPS_TOLERATED);
