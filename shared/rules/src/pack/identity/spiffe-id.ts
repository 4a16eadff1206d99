/** The SPIFFE ID spec's limits (SPIFFE-ID.md §2): 2048 bytes overall, 255 for the trust domain. */
const MAX_ID_BYTES = 2048;
const MAX_TRUST_DOMAIN_BYTES = 255;
const PREFIX = 'spiffe://';
/** A character not allowed in a trust domain, and in a path segment (`u`: a whole code point). */
const notTrustDomainChar = /[^a-z0-9._-]/u;
const notPathChar = /[^A-Za-z0-9._-]/u;

export type SpiffeIdParse = { ok: true; trustDomain: string; path: string } | { ok: false; reason: string };

/** The first character of `s` that `notAllowed` matches, in one pass over the string. */
function badChar(s: string, notAllowed: RegExp): string | undefined {
  return notAllowed.exec(s)?.[0];
}

/**
 * Parses a SPIFFE ID the way the spec (and go-spiffe's spiffeid.FromString) reads it: scheme exactly `spiffe://`;
 * a non-empty trust domain of lowercase letters, digits, `.`, `-`, `_` (so no userinfo, port or percent-encoding);
 * a path of `/`-separated segments of letters, digits, `.`, `-`, `_`, with no empty, `.` or `..` segment and no
 * trailing `/`; no query or fragment; at most 2048 bytes.
 */
export function parseSpiffeId(id: string): SpiffeIdParse {
  let parsed = spiffeIds.get(id);
  if (!parsed) {
    parsed = Object.freeze(parseSpiffeIdUncached(id));
    if (spiffeIds.size >= MAX_CACHED) spiffeIds.clear();
    spiffeIds.set(id, parsed);
  }
  return parsed;
}

/** parseSpiffeId's answers (every certificate of an identity is re-checked on each new one). Bounded (cleared when full). */
const spiffeIds = new Map<string, SpiffeIdParse>();
const MAX_CACHED = 10_000;

function parseSpiffeIdUncached(id: string): SpiffeIdParse {
  // A UTF-16 unit is at most 3 bytes of UTF-8: only a long ID needs counting.
  if (id.length * 3 > MAX_ID_BYTES && Buffer.byteLength(id, 'utf8') > MAX_ID_BYTES) return { ok: false, reason: `longer than ${MAX_ID_BYTES} bytes` };
  if (!id.startsWith(PREFIX)) return { ok: false, reason: 'scheme is not "spiffe://" (it is case-sensitive)' };
  if (/[?#]/.test(id)) return { ok: false, reason: 'has a query or fragment' };
  const rest = id.slice(PREFIX.length);
  const slash = rest.indexOf('/');
  const td = slash < 0 ? rest : rest.slice(0, slash);
  const path = slash < 0 ? '' : rest.slice(slash);
  if (!td) return { ok: false, reason: 'trust domain is missing' };
  if (td.includes('@')) return { ok: false, reason: 'trust domain has a userinfo part' };
  if (td.includes(':')) return { ok: false, reason: 'trust domain has a port' };
  const tdBad = badChar(td, notTrustDomainChar);
  if (tdBad !== undefined) {
    const why = /[A-Z]/.test(tdBad) ? 'an uppercase letter' : `the character ${JSON.stringify(tdBad)}`;
    return { ok: false, reason: `trust domain has ${why} (allowed: a-z 0-9 . - _)` };
  }
  if (td.length > MAX_TRUST_DOMAIN_BYTES) return { ok: false, reason: `trust domain is longer than ${MAX_TRUST_DOMAIN_BYTES} bytes` };
  if (path) {
    for (const seg of path.slice(1).split('/')) {
      if (seg === '') return { ok: false, reason: 'path has an empty segment (a "//" or a trailing "/")' };
      if (seg === '.' || seg === '..') return { ok: false, reason: `path has a "${seg}" segment` };
      const bad = badChar(seg, notPathChar);
      if (bad !== undefined) return { ok: false, reason: `path has the character ${JSON.stringify(bad)} (allowed: A-Z a-z 0-9 . - _)` };
    }
  }
  return { ok: true, trustDomain: td, path };
}

export interface KubeIdentity {
  readonly trustDomain: string;
  readonly namespace: string;
  readonly serviceAccount: string;
}

/**
 * `<ns>` and `<sa>` of a Kubernetes-shaped ID (`spiffe://td/ns/<ns>/sa/<sa>`, or Istio's `td/ns/<ns>/sa/<sa>`): exactly
 * what /^(?:spiffe:\/\/)?([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/ matches, read without a regex (every flow asks).
 */
export function kubeIdentityOf(principal: string): KubeIdentity | undefined {
  const p = principal;
  // With the scheme the rest must match; without it the trust domain would be "spiffe:" followed by "//", never "/ns/".
  const td = p.startsWith('spiffe://') ? 9 : 0;
  const ns = p.indexOf('/', td) + 1; // after the trust domain's slash
  if (ns <= td + 1 || !p.startsWith('ns/', ns)) return undefined;
  const nsEnd = p.indexOf('/', ns + 3);
  if (nsEnd <= ns + 3 || !p.startsWith('/sa/', nsEnd)) return undefined;
  const sa = nsEnd + 4;
  if (sa >= p.length || p.indexOf('/', sa) >= 0) return undefined;
  return { trustDomain: p.slice(td, ns - 1), namespace: p.slice(ns + 3, nsEnd), serviceAccount: p.slice(sa) };
}

/**
 * kubeIdentityOf(principal) names exactly namespace `ns` and ServiceAccount `sa` (any trust domain): the same answer,
 * read in place — every mTLS flow asks whether its peer is the pod's own ServiceAccount, and nearly all are.
 */
export function isKubeIdentity(principal: string, ns: string, sa: string): boolean {
  const p = principal;
  // Right to left: `/ns/<ns>/sa/<sa>` at the end, then a trust domain with no `/` (after the optional scheme).
  const saAt = p.length - sa.length;
  if (!sa || sa.includes('/') || !p.endsWith(sa) || !p.startsWith('/sa/', saAt - 4)) return false;
  const nsAt = saAt - 4 - ns.length;
  if (!ns || ns.includes('/') || !p.startsWith(ns, nsAt) || !p.startsWith('/ns/', nsAt - 4)) return false;
  const tdEnd = nsAt - 4;
  const td = p.startsWith('spiffe://') ? 9 : 0;
  return tdEnd > td && p.indexOf('/', td) === tdEnd;
}
