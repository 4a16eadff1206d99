import { certRule, certsEvidence, humanDuration, inUse } from './cert-rule';

/** A certificate's notBefore lies after the clock of the collector that saw it in use (beyond the allowed clock offset). */
export const certNotYetValid = certRule(
  {
    id: 'cert-not-yet-valid',
    title: 'Certificate not yet valid for its observer',
    severity: 'high',
    area: 'certificates',
    rationale:
      'A certificate whose notBefore is in the observer\'s future means two clocks disagree: the issuer\'s or the observer\'s. Peers on the slow side reject the certificate, and the skew undermines every expiry check.',
    resolvesWhen: 'The engine\'s clock passes notBefore, or a newer certificate replaces it.',
    remediation: {
      manual:
        'Compare the issuer\'s clock (istiod / SPIRE server / cert-manager node) with the observer\'s node (see the skew in evidence and clock-drift findings); fix time synchronisation (chrony/NTP) on the skewed side.',
    },
    references: ['https://www.rfc-editor.org/rfc/rfc5280#section-4.1.2.5', 'https://chrony-project.org/doc/4.5/chronyc.html'],
    tags: ['identity', 'certificates', 'clock'],
    thresholds: ['maxClockOffsetSeconds'],
  },
  (id, ctx, name) => {
    const now = ctx.now.getTime();
    const tolerance = ctx.config.maxClockOffsetSeconds * 1000;
    const early = inUse(id).filter((r) => r.notBefore !== undefined && r.notBefore > now && r.notBefore - r.observedAt > tolerance);
    const first = early[0];
    if (!first?.notBefore) return undefined;
    const skew = (first.notBefore - first.observedAt) / 1000;
    return {
      message: `${name}'s certificate starts ${humanDuration(skew)} after the observer's clock (notBefore ${new Date(first.notBefore).toISOString()}, seen at ${new Date(first.observedAt).toISOString()}).`,
      evidence: { skewSeconds: skew, toleranceSeconds: ctx.config.maxClockOffsetSeconds, ...certsEvidence(early, ctx.now) },
    };
  },
);
