import type { Subject } from '@ztv/events';
import type { RuleContext, RuleMeta, StateRule, Violation } from '../../engine/types';
import { CERT_PLACE_KINDS, certSlice, originLabel, type CertRecord, type IdentityCerts } from '../../state/certs';
import type { KubeObject } from '../../state/kube-object';
import { kubeIdentityOf } from './spiffe-id';

/** What a cert rule says about one identity; the subject and the object for exceptions are added for it. */
export type CertFinding = Omit<Violation, 'subject' | 'object'>;

/** Certificates listed in evidence at most (the count says how many there were). */
const MAX_LISTED = 10;

const objectKinds: Record<string, string> = { secret: 'Secret', configmap: 'ConfigMap', 'cert-manager': 'Certificate' };

/** The labels and annotations an exception looks at. */
function meta(o: KubeObject | undefined): Violation['object'] {
  return o ? { labels: o.metadata.labels ?? {}, annotations: o.metadata.annotations ?? {} } : undefined;
}

/**
 * The subject of an identity (DESIGN §4): `{ spiffeId, namespace, serviceAccount }` for a `/ns/<ns>/sa/<sa>` ID,
 * `{ spiffeId }` for another SPIFFE ID (a CA's is its trust domain), else `{ origin, namespace? }`. The object whose
 * `ztv.io/ignore` annotation counts: the ServiceAccount, else the Secret / ConfigMap / Certificate / Pod it was seen at.
 */
export function identitySubject(id: IdentityCerts, ctx: RuleContext): Pick<Violation, 'subject' | 'object'> {
  const res = ctx.state.resources;
  const key = id.key.startsWith('ca:') ? id.key.slice(3) : id.key;
  if (id.newest.data.spiffeIds.length && key === id.newest.data.spiffeIds[0]) {
    const k = kubeIdentityOf(key);
    if (!k) return { subject: { spiffeId: key } };
    const sa = res.get('ServiceAccount', k.namespace, k.serviceAccount);
    const subject: Subject = { spiffeId: key, namespace: k.namespace, serviceAccount: k.serviceAccount };
    return { subject, ...(sa ? { object: meta(sa) } : {}) };
  }
  const o = id.newest.data.origin;
  // A CA is seen in many namespaces (Istio copies its root into each): its subject carries none, so it stays stable.
  if (!id.key.startsWith('origin:')) return { subject: { origin: id.key } };
  const subject: Subject = { origin: originLabel(o), ...(o.namespace ? { namespace: o.namespace } : {}) };
  const kind = objectKinds[o.kind];
  const obj = kind && o.name ? res.get(kind, o.namespace, o.name) : o.pod ? res.get('Pod', o.namespace, o.pod) : undefined;
  return { subject, ...(obj ? { object: meta(obj) } : {}) };
}

const iso = (t: number | undefined) => (t === undefined ? undefined : new Date(t).toISOString());

/** One certificate as evidence: where it was seen, its validity, and what is left of it at `now`. */
export function certEvidence(r: CertRecord, now: Date): Record<string, unknown> {
  const d = r.data;
  return {
    origin: originLabel(d.origin),
    ...(d.origin.pod ? { pod: d.origin.pod } : {}),
    ...(d.origin.node ? { node: d.origin.node } : {}),
    role: d.role,
    ...(d.spiffeIds.length ? { spiffeIds: d.spiffeIds } : {}),
    ...(d.subject ? { subject: d.subject } : {}),
    ...(d.issuer ? { issuer: d.issuer } : {}),
    ...(d.serialNumber ? { serialNumber: d.serialNumber } : {}),
    ...(d.fingerprintSha256 ? { fingerprintSha256: d.fingerprintSha256 } : {}),
    ...(r.notBefore !== undefined ? { notBefore: iso(r.notBefore) } : {}),
    notAfter: iso(r.notAfter),
    ...(r.lifetimeSeconds !== undefined ? { lifetimeSeconds: r.lifetimeSeconds } : {}),
    remainingSeconds: Math.round((r.notAfter - now.getTime()) / 1000),
    observedAt: iso(r.observedAt),
    eventId: r.eventId,
  };
}

/** Evidence for the certificates a finding is about: the first MAX_LISTED and how many there were. */
export function certsEvidence(rs: CertRecord[], now: Date): Record<string, unknown> {
  return { certificates: rs.slice(0, MAX_LISTED).map((r) => certEvidence(r, now)), certificateCount: rs.length };
}

/** Certificates in use for an identity, optionally only workload certs or only CA / bundle certs. */
export function inUse(id: IdentityCerts, role?: 'workload' | 'ca'): CertRecord[] {
  const all = [...id.inUse.values()];
  if (!role) return all;
  return all.filter((r) => (role === 'workload' ? r.data.role === 'workload' : r.data.role !== 'workload'));
}

/** Human duration: "3h 12m", "4d 2h", "45s". */
export function humanDuration(seconds: number): string {
  const s = Math.abs(Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

export const subjectName = (id: IdentityCerts, v: Pick<Violation, 'subject'>) => v.subject.spiffeId ?? v.subject.origin ?? id.key;

type CertRuleMeta = Omit<RuleMeta, 'slices'>;

/**
 * A time-dependent state rule over identities (DESIGN §4 certificate rules): the scope is the identity a cert event
 * (or a delete of the object it was seen at) touched; every identity on a tick. `find` sees one identity at ctx.now.
 */
export function certRule(meta: CertRuleMeta, find: (id: IdentityCerts, ctx: RuleContext, name: string) => CertFinding | undefined): StateRule {
  return {
    ...meta,
    kind: 'state',
    on: ['cert', 'k8s.resource'],
    // Only the deletes of these can change an identity's certificates in use.
    resourceKinds: CERT_PLACE_KINDS,
    resourceOps: ['delete'],
    slices: [certSlice],
    timeDependent: true,
    scopesFor(event, ctx) {
      const t = ctx.state.slice(certSlice).touched;
      return t.eventId === event.id ? t.identities : [];
    },
    allScopes: (ctx) => [...ctx.state.slice(certSlice).identities.keys()],
    check(scope, ctx) {
      const id = ctx.state.slice(certSlice).identities.get(scope);
      if (!id) return [];
      // The same for every cert rule that looks at this identity after the same event (state.memoBy).
      const who = ctx.state.memoBy('identitySubject', scope, () => identitySubject(id, ctx));
      const f = find(id, ctx, subjectName(id, who));
      return f ? [{ ...who, ...f }] : [];
    },
  };
}
