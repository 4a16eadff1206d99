/* eslint-disable @typescript-eslint/no-explicit-any */
import type { KubeObject } from './kube-object';

/* AuthorizationPolicy semantics (security.istio.io): actions, scope, rules that match everything, principals. */

export function authzAction(ap: KubeObject): string {
  return String(ap.spec?.action ?? 'ALLOW').toUpperCase();
}

const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);
const emptyObject = (v: unknown) => !v || (typeof v === 'object' && Object.keys(v as object).length === 0);

/** True when the policy applies to every workload of its namespace: no (or an empty) selector and no targetRef(s). */
export function authzNamespaceWide(ap: KubeObject): boolean {
  const spec = ap.spec ?? {};
  if (Object.keys(spec.selector?.matchLabels ?? {}).length) return false;
  return !spec.targetRef && !list(spec.targetRefs).length;
}

/**
 * True when a rule matches every request: no `from`, `to` or `when` (`{}`), or only entries that constrain nothing
 * (`from: [{ source: {} }]`). A list of sources is an OR, so one empty entry opens the whole list.
 */
export function ruleMatchesEverything(rule: unknown): boolean {
  if (!rule || typeof rule !== 'object') return false;
  const r = rule as Record<string, any>;
  const open = (entries: unknown, key: string) => !list(entries).length || list(entries).some((e) => emptyObject(e?.[key]));
  return open(r.from, 'source') && open(r.to, 'operation') && !list(r.when).length;
}

/** Allow-nothing: ALLOW (the default action) with no rules matches no request, so everything it selects is denied. */
export function isAllowNothing(ap: KubeObject): boolean {
  return authzAction(ap) === 'ALLOW' && !list(ap.spec?.rules).length && !ap.spec?.provider;
}

/** Deny-all: DENY with a rule that matches everything. */
export function isDenyAll(ap: KubeObject): boolean {
  return authzAction(ap) === 'DENY' && list(ap.spec?.rules).some(ruleMatchesEverything);
}

/** A principal in rules[r].from[f].source.(not)principals, for evidence. */
export interface PrincipalRef {
  principal: string;
  field: 'principals' | 'notPrincipals';
  rule: number;
  from: number;
}

export function principalsOf(ap: KubeObject): PrincipalRef[] {
  const out: PrincipalRef[] = [];
  list(ap.spec?.rules).forEach((rule, r) => {
    list(rule?.from).forEach((f, i) => {
      for (const field of ['principals', 'notPrincipals'] as const) {
        for (const p of list(f?.source?.[field])) out.push({ principal: String(p), field, rule: r, from: i });
      }
    });
  });
  return out;
}

// <trust-domain>/ns/<namespace>/sa/<service-account>: what each of the five segments may hold.
const tdChars = /^[a-z0-9._-]*$/;
const nameChars = /^[a-z0-9.-]*$/;
const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const dnsSubdomain = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const segmentNames = ['trust domain', '"ns"', 'namespace', '"sa"', 'service account'];

function fullSegmentOk(pos: number, s: string): boolean {
  return [tdChars.test(s) && s.length > 0, s === 'ns', dnsLabel.test(s), s === 'sa', dnsSubdomain.test(s)][pos] ?? false;
}
function partialSegmentOk(pos: number, s: string, side: 'prefix' | 'suffix'): boolean {
  if (pos === 1 || pos === 3) return side === 'prefix' ? ['ns', 'sa'][(pos - 1) / 2]!.startsWith(s) : ['ns', 'sa'][(pos - 1) / 2]!.endsWith(s);
  return (pos === 0 ? tdChars : nameChars).test(s);
}

/** The parts of a principal pattern that can be checked, or why it can never match a workload identity. */
export type PrincipalShape =
  | { ok: false; reason: string }
  | { ok: true; kind: 'any' }
  | { ok: true; kind: 'exact'; trustDomain: string; namespace: string; serviceAccount: string }
  | { ok: true; kind: 'prefix' | 'suffix'; trustDomain?: string; tdPartial?: string };

/**
 * Parses an Istio principal (`cluster.local/ns/default/sa/sleep`) with Istio's match forms: `*` (any authenticated
 * peer), `prefix*`, `*suffix`. A `*` anywhere else is compared literally, so it never matches.
 */
export function principalShape(p: string): PrincipalShape {
  if (p === '*') return { ok: true, kind: 'any' };
  if (p.startsWith('spiffe://')) return { ok: false, reason: 'Istio principals omit the spiffe:// scheme: <trust-domain>/ns/<ns>/sa/<sa>' };
  const stars = p.split('*').length - 1;
  const side = p.startsWith('*') ? 'suffix' : p.endsWith('*') ? 'prefix' : undefined;
  if (stars > 1 || (stars === 1 && !side)) return { ok: false, reason: 'a * only works as the whole value, a prefix (abc*) or a suffix (*abc); elsewhere it is literal' };
  const body = side === 'suffix' ? p.slice(1) : side === 'prefix' ? p.slice(0, -1) : p;
  const parts = body.split('/');
  if (parts.length > 5 || (!side && parts.length !== 5)) return { ok: false, reason: 'not of the form <trust-domain>/ns/<namespace>/sa/<service-account>' };
  const offset = side === 'suffix' ? 5 - parts.length : 0;
  for (let i = 0; i < parts.length; i++) {
    const pos = i + offset;
    const partial = (side === 'prefix' && i === parts.length - 1) || (side === 'suffix' && i === 0);
    const ok = partial ? partialSegmentOk(pos, parts[i] as string, side as 'prefix' | 'suffix') : fullSegmentOk(pos, parts[i] as string);
    if (!ok) return { ok: false, reason: `invalid ${segmentNames[pos]} "${parts[i]}" (expected <trust-domain>/ns/<namespace>/sa/<service-account>)` };
  }
  if (!side) return { ok: true, kind: 'exact', trustDomain: parts[0]!, namespace: parts[2]!, serviceAccount: parts[4]! };
  if (side === 'prefix') return parts.length > 1 ? { ok: true, kind: 'prefix', trustDomain: parts[0]! } : { ok: true, kind: 'prefix', tdPartial: parts[0]! };
  return parts.length === 5 ? { ok: true, kind: 'suffix', tdPartial: parts[0]! } : { ok: true, kind: 'suffix' };
}
