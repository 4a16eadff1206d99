import { describe, expect, it } from 'vitest';
import { yamlTooDeep } from './yaml-depth';

describe('yamlTooDeep', () => {
  it('passes real nesting and counts block, compact-sequence and flow levels', () => {
    expect(yamlTooDeep('a:\n  b:\n    - c: [1, {d: 2}]\n', 6)).toBeUndefined(); // 3 block + 1 dash + 2 flow
    expect(yamlTooDeep('a:\n  b:\n    - c: [1, {d: 2}]\n', 5)).toBe(3);
    expect(yamlTooDeep('a:\n  b:\n    c:\n      d: 1\n', 3)).toBe(4);
    expect(yamlTooDeep('- - - - x\n', 3)).toBe(1);
    expect(yamlTooDeep('a: [[[[1]]]]\n', 3)).toBe(1);
  });
  it('ignores brackets in quotes and comments, and dedents', () => {
    expect(yamlTooDeep('a: "[[[[[["  # {{{{{{\nb: 1\n', 2)).toBeUndefined();
    expect(yamlTooDeep('a:\n  b: 1\nc:\n  d: 1\ne:\n  f: 1\n', 2)).toBeUndefined();
  });
});
