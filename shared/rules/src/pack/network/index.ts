import type { Rule } from '../../engine/types';
import { egressMetadataAllowed } from './egress-metadata-allowed';
import { netpolAllowAll } from './netpol-allow-all';
import { netpolDefaultDenyMissing } from './netpol-default-deny-missing';
import { netpolDnsEgressBlocked } from './netpol-dns-egress-blocked';

/** L3/L4 network policy (DESIGN §4): default deny, DNS, allow-all rules, metadata egress. */
export const networkRules: Rule[] = [netpolDefaultDenyMissing, netpolDnsEgressBlocked, netpolAllowAll, egressMetadataAllowed];
