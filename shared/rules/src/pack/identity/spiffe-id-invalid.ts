import { certRule, certsEvidence, inUse } from './cert-rule';
import { parseSpiffeId } from './spiffe-id';

/** A SPIFFE ID in use is malformed, a certificate carries several, or its trust domain is not a configured one. */
export const spiffeIdInvalid = certRule(
  {
    id: 'spiffe-id-invalid',
    title: 'SPIFFE ID malformed or outside the trust domain',
    severity: 'high',
    area: 'certificates',
    rationale:
      'Authorization policies match identities by exact SPIFFE ID: a malformed one matches nothing the operator wrote (or, worse, something they did not mean), and an identity from an unexpected trust domain means a foreign or rogue CA is issuing identities that workloads present here.',
    resolvesWhen: 'Every certificate in use for the identity carries exactly one well-formed SPIFFE ID in a configured trust domain.',
    remediation: {
      manual:
        'Fix the registration (SPIRE entry spiffe_id, Istio trust domain / `trustDomainAliases`, cert-manager csi-driver-spiffe template) so IDs follow spiffe://<trust-domain>/<path>; if the trust domain is a legitimate federated one, add it to trustDomains.',
    },
    references: [
      'https://github.com/spiffe/spiffe/blob/main/standards/SPIFFE-ID.md',
      'https://github.com/spiffe/spiffe/blob/main/standards/X509-SVID.md',
      'https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/',
    ],
    tags: ['identity', 'spiffe', 'MITRE T1649 Steal or Forge Authentication Certificates'],
    thresholds: ['trustDomains'],
  },
  (id, ctx, name) => {
    const problems: { spiffeId: string; problem: string }[] = [];
    const offending = inUse(id).filter((r) => {
      const before = problems.length;
      if (r.data.spiffeIds.length > 1) problems.push({ spiffeId: r.data.spiffeIds.join(' '), problem: 'more than one SPIFFE ID in one certificate (an X.509-SVID has exactly one URI SAN)' });
      for (const s of r.data.spiffeIds) {
        const p = parseSpiffeId(s);
        if (!p.ok) problems.push({ spiffeId: s, problem: p.reason });
        else if (!ctx.config.trustDomains.includes(p.trustDomain)) {
          problems.push({ spiffeId: s, problem: `trust domain "${p.trustDomain}" is not one of ${ctx.config.trustDomains.join(', ')}` });
        }
      }
      return problems.length > before;
    });
    const first = problems[0];
    if (!first) return undefined;
    const unique = [...new Map(problems.map((p) => [`${p.spiffeId}\n${p.problem}`, p])).values()];
    return {
      message: `${name}: ${first.problem}.`,
      evidence: { problems: unique, trustDomains: ctx.config.trustDomains, ...certsEvidence(offending, ctx.now) },
    };
  },
);
