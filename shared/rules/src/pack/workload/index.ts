import type { Rule } from '../../engine/types';

export const workloadRules: Rule[] = [];
