import type { Rule } from '../../engine/types';
import { flowDeniedBurst } from './flow-denied-burst';
import { flowIdentityMismatch } from './flow-identity-mismatch';
import { flowMetadataAccess } from './flow-metadata-access';
import { flowPlaintext } from './flow-plaintext';

/** Rules over observed connections (DESIGN §4). */
export const flowRules: Rule[] = [flowPlaintext, flowMetadataAccess, flowDeniedBurst, flowIdentityMismatch];
