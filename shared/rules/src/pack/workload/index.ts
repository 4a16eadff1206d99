import type { Rule } from '../../engine/types';
import { imageUnverified } from './image-unverified';
import { podCapabilitiesNotDropped } from './pod-capabilities-not-dropped';
import { podDefaultServiceAccount } from './pod-default-serviceaccount';
import { podPrivileged } from './pod-privileged';

/** Admission-time hygiene of pod specs (DESIGN §4): identity, capabilities, privilege, image provenance. */
export const workloadRules: Rule[] = [podDefaultServiceAccount, podCapabilitiesNotDropped, podPrivileged, imageUnverified];
