import type { Rule } from '../../engine/types';
import { authzAllowAll } from './authz-allow-all';
import { authzDefaultDenyMissing } from './authz-default-deny-missing';
import { authzPrincipalInvalid } from './authz-principal-invalid';
import { headlessPortUnnamed } from './headless-port-unnamed';
import { mtlsNotStrict } from './mtls-not-strict';
import { probeRewriteDisabled } from './probe-rewrite-disabled';
import { sidecarMissing } from './sidecar-missing';
import { statefulsetSharedIdentity } from './statefulset-shared-identity';

/** Istio mesh (DESIGN §4): STRICT mTLS, L7 default deny, principals, sidecars, protocol naming, identities. */
export const meshRules: Rule[] = [
  mtlsNotStrict,
  authzDefaultDenyMissing,
  authzAllowAll,
  authzPrincipalInvalid,
  sidecarMissing,
  probeRewriteDisabled,
  headlessPortUnnamed,
  statefulsetSharedIdentity,
];
