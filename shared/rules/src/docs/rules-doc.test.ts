import { describe, expect, it } from 'vitest';
import { defaultRulesConfig } from '../config';
import { baselineRules } from '../pack';
import { committed, rulesDoc } from './generate';
import { configComments, renderRulesDoc } from './rules-doc';

describe('docs/rules.md', () => {
  it('is what the live catalogue generates', () => {
    const doc = rulesDoc();
    expect(committed(doc), 'docs/rules.md is out of date: run `npm run docs:rules`').toBe(doc.content);
  });

  it('documents every rule with its thresholds and their defaults', () => {
    const text = renderRulesDoc(baselineRules, defaultRulesConfig());
    for (const r of baselineRules) {
      expect(text).toContain(`### ${r.id}\n`);
      for (const k of r.thresholds ?? []) expect(text).toContain(`| \`${k}\` |`);
    }
    expect(text).toContain('| `allowedCapabilities` | `["NET_BIND_SERVICE"]` | Capabilities a container may add (pod-capabilities-not-dropped). |');
  });

  it('reads the doc comment of each config key from config.ts', () => {
    const c = configComments();
    expect(c.requireImageDigest ?? c.allowedRegistries).toBeTruthy();
    expect(c.imageVerifier).toMatch(/^Signature verifier for image-unverified/);
  });
});
