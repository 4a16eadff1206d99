import type { Rule } from '../../engine/types';

export const flowRules: Rule[] = [];
