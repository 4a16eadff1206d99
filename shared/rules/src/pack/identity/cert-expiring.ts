import type { RulesConfig } from '../../config';
import type { CertRecord } from '../../state/certs';
import { certRule, certsEvidence, humanDuration, inUse } from './cert-rule';

/** The expiry window of a certificate: the smaller of a fraction of its lifetime and a fixed bound (DESIGN §4). */
export function expiryWindowSeconds(r: CertRecord, c: RulesConfig): number {
  const max = c.expiryWindowMaxSeconds;
  return r.lifetimeSeconds === undefined ? max : Math.min(c.expiryWindowFraction * r.lifetimeSeconds, max);
}

/** A workload certificate in use has less than its expiry window left. */
export const certExpiring = certRule(
  {
    id: 'cert-expiring',
    title: 'Certificate in use is about to expire',
    severity: 'high',
    area: 'certificates',
    rationale:
      'Healthy rotation replaces a workload certificate well before the last fifth of its life. One still in use this close to notAfter means rotation is stuck, and the workload will lose its identity (and its connections) when it expires.',
    resolvesWhen: 'A newer certificate replaces it (the old one is then no longer in use), or the workload is deleted.',
    remediation: {
      playbook: 'rollout-restart',
      manual:
        'Restart the workload to force a fresh certificate; check the istio-agent / SPIRE agent / cert-manager logs for why it did not rotate on its own.',
    },
    references: [
      'https://istio.io/latest/docs/tasks/security/cert-management/plugin-ca-cert/',
      'https://cert-manager.io/docs/usage/certificate/',
      'https://spiffe.io/docs/latest/spire-about/spire-concepts/',
    ],
    tags: ['identity', 'certificates', 'rotation'],
    thresholds: ['expiryWindowFraction', 'expiryWindowMaxSeconds'],
  },
  (id, ctx, name) => {
    const now = ctx.now.getTime();
    const expiring = inUse(id, 'workload').filter((r) => {
      const left = (r.notAfter - now) / 1000;
      return left > 0 && left < expiryWindowSeconds(r, ctx.config);
    });
    const first = expiring.sort((a, b) => a.notAfter - b.notAfter)[0];
    if (!first) return undefined;
    const left = (first.notAfter - now) / 1000;
    return {
      message: `${name}'s certificate expires in ${humanDuration(left)} (notAfter ${new Date(first.notAfter).toISOString()}) and has not been replaced.`,
      evidence: { windowSeconds: expiryWindowSeconds(first, ctx.config), ...certsEvidence(expiring, ctx.now) },
    };
  },
);
