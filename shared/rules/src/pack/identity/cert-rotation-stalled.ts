import type { CertRecord, IdentityCerts } from '../../state/certs';
import { certRule, certsEvidence, humanDuration, inUse } from './cert-rule';
import { isWorkloadIdentityCert } from './cert-ttl-too-long';

const start = (r: CertRecord) => r.notBefore ?? r.notAfter;

/** True when a newer certificate than `r` has been seen for the identity, at any origin. */
function superseded(id: IdentityCerts, r: CertRecord): boolean {
  return start(id.newest) > start(r);
}

/**
 * A workload identity (SVID / mesh certificate) is past rotateAtFraction of its certificate's lifetime and no newer
 * certificate for it was seen. Other certificates are left to cert-expiring: cert-manager renews at 2/3 of the
 * lifetime by default, so a 60% bound would call every healthy cert-manager certificate stalled.
 */
export const certRotationStalled = certRule(
  {
    id: 'cert-rotation-stalled',
    title: 'Certificate rotation has stalled',
    severity: 'medium',
    area: 'certificates',
    rationale:
      'Istio and SPIRE rotate a workload certificate about halfway through its life. If no newer certificate has appeared by rotateAt, rotation is broken (agent cannot reach the CA, the CA is down, an entry was removed) and the identity will expire.',
    resolvesWhen: 'A newer certificate for the identity is seen, or the workload is deleted.',
    remediation: {
      playbook: 'rollout-restart',
      manual:
        'Check the istio-agent / SPIRE agent logs of the workload and the CA (istiod, SPIRE server) health; restarting the workload forces a fresh certificate.',
    },
    references: [
      'https://spiffe.io/docs/latest/spire-about/spire-concepts/',
      'https://istio.io/latest/docs/concepts/security/#pki',
      'https://cert-manager.io/docs/usage/certificate/',
    ],
    tags: ['identity', 'certificates', 'rotation'],
    thresholds: ['rotateAtFraction'],
  },
  (id, ctx, name) => {
    const now = ctx.now.getTime();
    const f = ctx.config.rotateAtFraction;
    const stalled = inUse(id).filter(
      (r) => isWorkloadIdentityCert(r) && r.notBefore !== undefined && r.lifetimeSeconds && now >= r.notBefore + f * r.lifetimeSeconds * 1000 && !superseded(id, r),
    );
    const first = stalled[0];
    if (!first?.notBefore || !first.lifetimeSeconds) return undefined;
    const rotateAt = first.notBefore + f * first.lifetimeSeconds * 1000;
    const used = (now - first.notBefore) / (first.lifetimeSeconds * 1000);
    return {
      message: `${name} is ${Math.round(used * 100)}% through its certificate's ${humanDuration(first.lifetimeSeconds)} lifetime and no newer certificate has been seen (due at ${new Date(rotateAt).toISOString()}).`,
      evidence: {
        rotateAtFraction: f,
        rotateAt: new Date(rotateAt).toISOString(),
        lifetimeUsedFraction: Math.round(used * 1000) / 1000,
        ...certsEvidence(stalled, ctx.now),
      },
    };
  },
);
