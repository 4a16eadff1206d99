import { certRule, certsEvidence, humanDuration, inUse } from './cert-rule';

/** A CA / trust-bundle certificate has less than bundleExpiryWindowSeconds left, with no longer-lived successor beside it. */
export const trustBundleExpiring = certRule(
  {
    id: 'trust-bundle-expiring',
    title: 'CA or trust bundle certificate about to expire',
    severity: 'high',
    area: 'certificates',
    rationale:
      'When a root or intermediate expires every certificate chaining to it stops validating at once: a mesh-wide outage. Rolling a CA safely takes weeks (the new root must reach every bundle before it signs anything), so it has to start early.',
    resolvesWhen: 'A successor certificate for the CA, valid beyond the window, is seen at every place the old one was.',
    remediation: {
      manual:
        'Start CA rotation: add the new root to the trust bundle first (Istio: plug-in CA `cacerts` with both roots in root-cert.pem; SPIRE: rotation is automatic, check `ca_ttl` and the server\'s health; cert-manager: the CA Issuer\'s Certificate), then switch signing, then remove the old root after it expires.',
    },
    references: [
      'https://istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/',
      'https://spiffe.io/docs/latest/spire-about/spire-concepts/',
      'https://github.com/spiffe/spiffe/blob/main/standards/SPIFFE_Trust_Domain_and_Bundle.md',
    ],
    tags: ['identity', 'certificates', 'availability'],
    thresholds: ['bundleExpiryWindowSeconds'],
  },
  (id, ctx, name) => {
    const now = ctx.now.getTime();
    const windowMs = ctx.config.bundleExpiryWindowSeconds * 1000;
    const expiring = inUse(id, 'ca').filter((r) => r.notAfter - now < windowMs);
    const first = expiring.sort((a, b) => a.notAfter - b.notAfter)[0];
    if (!first) return undefined;
    const left = (first.notAfter - now) / 1000;
    const when = left <= 0 ? `expired ${humanDuration(left)} ago` : `expires in ${humanDuration(left)}`;
    return {
      message: `CA ${name} ${when} (notAfter ${new Date(first.notAfter).toISOString()}) and no successor was seen beside it.`,
      ...(left <= 0 ? { severity: 'critical' as const } : {}),
      evidence: { windowSeconds: ctx.config.bundleExpiryWindowSeconds, ...certsEvidence(expiring, ctx.now) },
    };
  },
);
