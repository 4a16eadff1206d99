import type { CertRecord } from '../../state/certs';
import { certRule, certsEvidence, humanDuration, inUse } from './cert-rule';

/** Linkerd puts the workload identity in a DNS SAN: `<sa>.<ns>.serviceaccount.identity.linkerd.<domain>`. */
const linkerdIdentity = /\.serviceaccount\.identity\.linkerd\./;

/**
 * A mesh workload identity: a SPIFFE SVID, a certificate SPIRE or an istio-agent issued, or a Linkerd identity.
 * Not CAs, and not server certificates such as cert-manager's 90-day ingress certs, unless they carry a SPIFFE ID.
 */
export function isWorkloadIdentityCert(r: CertRecord): boolean {
  const d = r.data;
  if (d.role !== 'workload') return false;
  return d.spiffeIds.length > 0 || d.origin.kind === 'spire' || d.origin.kind === 'istio-agent' || d.dnsNames.some((n) => linkerdIdentity.test(n));
}

/** An SVID / mesh workload certificate's lifetime exceeds maxSvidTtlSeconds. */
export const certTtlTooLong = certRule(
  {
    id: 'cert-ttl-too-long',
    title: 'Workload identity certificate lives too long',
    severity: 'medium',
    area: 'certificates',
    rationale:
      'Short-lived identities are what make a stolen workload key worth little: a certificate that lives for days or months stays usable by an attacker long after the breach, because revocation is rarely checked inside a mesh.',
    resolvesWhen: 'Every certificate in use for the identity has a lifetime within maxSvidTtlSeconds.',
    remediation: {
      manual:
        'Lower the issued lifetime: Istio `DEFAULT_WORKLOAD_CERT_TTL` / `MAX_WORKLOAD_CERT_TTL` on istiod (and `SECRET_TTL` on the proxy), SPIRE `default_x509_svid_ttl` or the entry\'s `x509SVIDTTL`, cert-manager `spec.duration`; then restart workloads to pick up short-lived certificates.',
    },
    references: [
      'https://istio.io/latest/docs/reference/commands/pilot-discovery/',
      'https://spiffe.io/docs/latest/deploying/spire_server/',
      'https://github.com/spiffe/spiffe/blob/main/standards/X509-SVID.md',
    ],
    tags: ['identity', 'certificates', 'MITRE T1552.004 Unsecured Credentials: Private Keys'],
    thresholds: ['maxSvidTtlSeconds'],
  },
  (id, ctx, name) => {
    const max = ctx.config.maxSvidTtlSeconds;
    const long = inUse(id).filter((r) => isWorkloadIdentityCert(r) && (r.lifetimeSeconds ?? 0) > max);
    const first = long.sort((a, b) => (b.lifetimeSeconds ?? 0) - (a.lifetimeSeconds ?? 0))[0];
    if (!first?.lifetimeSeconds) return undefined;
    return {
      message: `${name} holds a certificate valid for ${humanDuration(first.lifetimeSeconds)}, longer than the ${humanDuration(max)} allowed for workload identities.`,
      evidence: { lifetimeSeconds: first.lifetimeSeconds, maxSvidTtlSeconds: max, ...certsEvidence(long, ctx.now) },
    };
  },
);
