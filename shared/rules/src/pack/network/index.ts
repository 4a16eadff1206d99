import type { Rule } from '../../engine/types';

export const networkRules: Rule[] = [];
