import type { Rule } from '../../engine/types';

export const identityRules: Rule[] = [];
