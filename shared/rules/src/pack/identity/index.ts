import type { Rule } from '../../engine/types';
import { certExpired } from './cert-expired';
import { certExpiring } from './cert-expiring';
import { certNotYetValid } from './cert-not-yet-valid';
import { certRotationStalled } from './cert-rotation-stalled';
import { certTtlTooLong } from './cert-ttl-too-long';
import { clockDrift } from './clock-drift';
import { clockUnsynchronized } from './clock-unsynchronized';
import { spiffeIdInvalid } from './spiffe-id-invalid';
import { trustBundleExpiring } from './trust-bundle-expiring';

/** Certificate, SPIFFE identity and clock rules (DESIGN §4). */
export const identityRules: Rule[] = [
  certExpired,
  certNotYetValid,
  certExpiring,
  certTtlTooLong,
  certRotationStalled,
  trustBundleExpiring,
  spiffeIdInvalid,
  clockDrift,
  clockUnsynchronized,
];
