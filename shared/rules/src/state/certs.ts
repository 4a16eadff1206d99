import type { CertData, ZtvEvent } from '@ztv/events';
import type { StateSlice } from './cluster-state';
import { isoMillis } from './iso-time';

type Origin = CertData['origin'];

/** One observation of a certificate at one origin (an Envoy, a Secret, a SPIRE server log, ...). */
export interface CertRecord {
  /** The identity it belongs to (see identityKeyOf). */
  identity: string;
  data: CertData;
  notBefore?: number;
  notAfter: number;
  /** notAfter − notBefore, seconds; undefined when notBefore is unknown. */
  lifetimeSeconds?: number;
  /** The collector's clock when seen (the observer's clock, for cert-not-yet-valid). */
  observedAt: number;
  /** Event time of the observation. */
  seenAt: number;
  eventId: string;
}

export interface IdentityCerts {
  key: string;
  /** Creation order among the identities (the order of CertState.identities). */
  seq: number;
  /** What is in use: per origin instance, the latest observation (CAs: the longest-lived cert, see apply). */
  inUse: Map<string, CertRecord>;
  /** The newest certificate seen for the identity at any origin (latest notBefore, else latest notAfter). */
  newest: CertRecord;
}

export interface CertState {
  identities: Map<string, IdentityCerts>;
  /** Shortest lifetime of any SPIFFE workload certificate seen, seconds (clock-drift's critical bound). */
  shortestSvidTtlSeconds?: number;
  /** Identities the last applied event changed: the scopes cert rules re-check for it. */
  touched: { eventId: string; identities: string[] };
  /**
   * Identities with a certificate seen at a place a delete takes away (see placesOf), so a Pod delete looks at those
   * and not at every identity. May name identities that no longer have one there; never misses one that does.
   */
  byPlace: Map<string, Set<string>>;
  nextSeq: number;
}

const isCa = (d: CertData) => d.role !== 'workload';

/**
 * The identity a certificate speaks for. Workload certs: the SPIFFE ID, else the origin (`<kind>:<ns>/<name>`). CA and
 * bundle certs: `ca:` + the trust-domain SPIFFE ID, else the subject DN, else the fingerprint — so a rotated CA with
 * the same name is the same identity, and its successor in a bundle counts as its replacement.
 */
export function identityKeyOf(d: CertData): string {
  if (isCa(d)) return `ca:${d.spiffeIds[0] ?? d.subject ?? d.fingerprintSha256 ?? originLabel(d.origin)}`;
  return d.spiffeIds[0] ?? `origin:${originLabel(d.origin)}`;
}

/** `<kind>:<ns>/<name>` (name: the object, else the pod, the file path or the node). */
export function originLabel(o: Origin): string {
  const name = o.name ?? o.pod ?? o.path ?? o.node ?? '?';
  return `${o.kind}:${o.namespace ? `${o.namespace}/` : ''}${name}`;
}

/** One origin instance: two pods (or two files on two nodes) are two places a certificate is in use. */
function originInstance(o: Origin): string {
  // Each part length-prefixed, so no content (a path may hold any character) can make two origins one.
  const ns = o.namespace ?? '';
  const name = o.name ?? '';
  const pod = o.pod ?? '';
  const node = o.node ?? '';
  const path = o.path ?? '';
  return `${o.kind}|${ns.length}:${ns}${name.length}:${name}${pod.length}:${pod}${node.length}:${node}${path.length}:${path}`;
}

const ms = (s: string | undefined) => (s ? isoMillis(s) : undefined);

function recordOf(e: Extract<ZtvEvent, { type: 'cert' }>): CertRecord | undefined {
  const d = e.data;
  const notAfter = isoMillis(d.notAfter);
  if (Number.isNaN(notAfter)) return undefined;
  const notBefore = ms(d.notBefore);
  const nb = notBefore !== undefined && !Number.isNaN(notBefore) ? notBefore : undefined;
  const r: CertRecord = { identity: identityKeyOf(d), data: d, notAfter, observedAt: isoMillis(e.observedAt), seenAt: isoMillis(e.time), eventId: e.id };
  if (nb !== undefined) {
    r.notBefore = nb;
    r.lifetimeSeconds = (notAfter - nb) / 1000;
  }
  return r;
}

const newerThan = (a: CertRecord, b: CertRecord) => (a.notBefore ?? a.notAfter) > (b.notBefore ?? b.notAfter);

/** Whether `r` replaces `cur` at the same origin instance. */
function replaces(r: CertRecord, cur: CertRecord): boolean {
  // A bundle holds several generations of a CA during rotation: the longest-lived one is what keeps trust working.
  if (isCa(r.data)) return r.notAfter >= cur.notAfter;
  // Workload certs: the latest observation wins; an out-of-order older observation does not.
  return r.seenAt >= cur.seenAt;
}

const sameCert = (a: CertRecord, b: CertRecord) =>
  a.data.fingerprintSha256 !== undefined ? a.data.fingerprintSha256 === b.data.fingerprintSha256 : a.notAfter === b.notAfter;

/** The places of an origin a delete can take away (see gone): its Pod, its object, its node (for pod-less origins). */
function placesOf(o: Origin): string[] {
  const out: string[] = [];
  const ns = o.namespace ?? '\u0000';
  if (o.pod !== undefined) out.push(`Pod\n${ns}\n${o.pod}`);
  if (o.name !== undefined) out.push(`${o.kind}\n${ns}\n${o.name}`);
  if (o.node !== undefined && !o.pod) out.push(`node\n${o.node}`);
  return out;
}

/** The place a delete of `kind` names, as placesOf spells it; undefined for kinds with no place (ServiceAccount). */
function placeOfDelete(kind: string, ns: string | undefined, name: string): string | undefined {
  const n = ns ?? '\u0000';
  if (kind === 'Pod') return `Pod\n${n}\n${name}`;
  if (kind === 'Secret' || kind === 'ConfigMap') return `${kind.toLowerCase()}\n${n}\n${name}`;
  if (kind === 'Certificate') return `cert-manager\n${n}\n${name}`;
  if (kind === 'Node') return `node\n${name}`;
  return undefined;
}

function observe(s: CertState, r: CertRecord): void {
  const inst = originInstance(r.data.origin);
  const id = s.identities.get(r.identity);
  for (const place of placesOf(r.data.origin)) {
    const ids = s.byPlace.get(place);
    if (ids) ids.add(r.identity);
    else s.byPlace.set(place, new Set<string>().add(r.identity));
  }
  if (!id) {
    s.identities.set(r.identity, { key: r.identity, seq: s.nextSeq++, inUse: new Map<string, CertRecord>().set(inst, r), newest: r });
  } else {
    const cur = id.inUse.get(inst);
    if (!cur || replaces(r, cur)) id.inUse.set(inst, r);
    if (newerThan(r, id.newest) || sameCert(r, id.newest)) id.newest = r;
  }
  if (!isCa(r.data) && r.data.spiffeIds.length && r.lifetimeSeconds !== undefined && r.lifetimeSeconds > 0) {
    s.shortestSvidTtlSeconds = Math.min(s.shortestSvidTtlSeconds ?? Infinity, r.lifetimeSeconds);
  }
}

/** The kinds whose delete can take a certificate out of use (see gone). */
export const CERT_PLACE_KINDS = ['Pod', 'Secret', 'ConfigMap', 'Certificate', 'Node', 'ServiceAccount'] as const;

/** Origins that a deleted object carried: the certificates seen there are no longer in use. */
function gone(kind: string, ns: string | undefined, name: string): ((o: Origin, identity: string) => boolean) | undefined {
  // CERT_PLACE_KINDS is the list the cert rules are asked for: a kind handled here must be in it.
  if (!(CERT_PLACE_KINDS as readonly string[]).includes(kind)) return undefined;
  switch (kind) {
    case 'Pod':
      return (o) => o.pod === name && o.namespace === ns;
    case 'Secret':
    case 'ConfigMap':
    case 'Certificate': {
      const k = kind === 'Certificate' ? 'cert-manager' : kind.toLowerCase();
      return (o) => o.kind === k && o.name === name && o.namespace === ns;
    }
    case 'Node':
      return (o) => o.node === name && !o.pod;
    case 'ServiceAccount': {
      // A Kubernetes-shaped SPIFFE identity whose ServiceAccount is gone cannot be in use (SPIRE records never end).
      const suffix = `/ns/${ns}/sa/${name}`;
      return (_o, identity) => identity.startsWith('spiffe://') && identity.endsWith(suffix);
    }
  }
  return undefined;
}

/** Takes the certificates `match` names out of use, in `candidates` (every identity when undefined); returns the identities changed, in CertState order. */
function forget(s: CertState, match: (o: Origin, identity: string) => boolean, candidates?: Iterable<string>): string[] {
  const changed: IdentityCerts[] = [];
  const ids = candidates ? [...candidates].map((k) => s.identities.get(k)).filter((id) => id !== undefined) : [...s.identities.values()];
  for (const id of ids) {
    const before = id.inUse.size;
    for (const [inst, r] of id.inUse) if (match(r.data.origin, id.key)) id.inUse.delete(inst);
    if (id.inUse.size !== before) changed.push(id);
    if (!id.inUse.size) s.identities.delete(id.key);
  }
  return changed.sort((a, b) => a.seq - b.seq).map((id) => id.key);
}

/** forget for a delete of kind/ns/name, through the place index where the kind has a place. */
function forgetDeleted(s: CertState, kind: string, ns: string | undefined, name: string): string[] {
  const match = gone(kind, ns, name);
  if (!match) return [];
  const place = placeOfDelete(kind, ns, name);
  if (place === undefined) return forget(s, match);
  const candidates = s.byPlace.get(place);
  if (!candidates) return [];
  s.byPlace.delete(place);
  const changed = forget(s, match, candidates);
  // Whatever is still seen at the place (only a name that spells another place, such as one with a newline) stays.
  for (const key of candidates) {
    const id = s.identities.get(key);
    if (id && [...id.inUse.values()].some((r) => placesOf(r.data.origin).includes(place))) s.byPlace.set(place, (s.byPlace.get(place) ?? new Set()).add(key));
  }
  return changed;
}

/**
 * Certificates per identity: what is in use (latest observation per origin instance) and the newest ever seen.
 * Deleting the object a certificate was seen at (Pod, Secret, ConfigMap, cert-manager Certificate, Node, or the
 * ServiceAccount of a `/ns/<ns>/sa/<sa>` identity) takes it out of use.
 */
export const certSlice: StateSlice<CertState> = {
  name: 'certs',
  on: ['cert', 'k8s.resource'],
  init: () => ({ identities: new Map(), touched: { eventId: '', identities: [] }, byPlace: new Map(), nextSeq: 0 }),
  apply(s, e) {
    if (e.type === 'cert') {
      const r = recordOf(e);
      s.touched = { eventId: e.id, identities: r ? [r.identity] : [] };
      if (r) observe(s, r);
    } else if (e.type === 'k8s.resource' && e.data.op === 'delete') {
      s.touched = { eventId: e.id, identities: forgetDeleted(s, e.data.kind, e.data.namespace, e.data.name) };
    }
  },
};
