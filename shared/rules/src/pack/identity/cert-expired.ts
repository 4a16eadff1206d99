import { certRule, certsEvidence, humanDuration, inUse } from './cert-rule';

/** A workload certificate in use is past notAfter. */
export const certExpired = certRule(
  {
    id: 'cert-expired',
    title: 'Certificate in use has expired',
    severity: 'critical',
    area: 'certificates',
    rationale:
      'An expired workload certificate means rotation has failed: peers that validate it refuse the connection (an outage), and peers that do not validate it accept an identity nobody vouches for any more.',
    resolvesWhen: 'A newer, valid certificate replaces it at every place it was seen, or the workload that presented it is deleted.',
    remediation: {
      playbook: 'rollout-restart',
      manual:
        'Restart the workload so its proxy or agent fetches a fresh certificate; then find out why rotation stopped (istio-agent / SPIRE agent logs, cert-manager Certificate status, the issuer being reachable).',
    },
    references: [
      'https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5',
      'https://istio.io/latest/docs/concepts/security/#pki',
      'https://spiffe.io/docs/latest/spire-about/spire-concepts/',
    ],
    tags: ['identity', 'certificates', 'availability'],
  },
  (id, ctx, name) => {
    const now = ctx.now.getTime();
    const expired = inUse(id, 'workload').filter((r) => r.notAfter <= now);
    const first = expired.sort((a, b) => a.notAfter - b.notAfter)[0];
    if (!first) return undefined;
    const ago = humanDuration((now - first.notAfter) / 1000);
    return {
      message: `${name} presents a certificate that expired ${ago} ago (notAfter ${new Date(first.notAfter).toISOString()}).`,
      evidence: { now: ctx.now.toISOString(), ...certsEvidence(expired, ctx.now) },
    };
  },
);
