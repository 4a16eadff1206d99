import type { Rule } from '../../engine/types';

export const meshRules: Rule[] = [];
