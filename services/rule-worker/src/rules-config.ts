import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { Env } from '@ztv/config';
import { rulesConfig, type RulesConfig } from '@ztv/rules';

/**
 * Rule thresholds: the `rules:` section of the YAML config file (ZTV_CONFIG_FILE), with the environment's
 * POLICY_ADMINS / TRUST_DOMAINS / MESH_ROOT_NAMESPACE as defaults. A bad value fails start-up naming the path.
 */
export function loadRulesConfig(env: Env, readFile: (p: string) => string = (p) => readFileSync(p, 'utf8')): RulesConfig {
  let fromFile: Record<string, unknown> = {};
  if (env.ZTV_CONFIG_FILE) {
    const doc = parse(readFile(env.ZTV_CONFIG_FILE)) as { rules?: Record<string, unknown> } | null;
    fromFile = doc?.rules ?? {};
  }
  const r = rulesConfig.safeParse({
    policyAdmins: env.POLICY_ADMINS,
    trustDomains: env.TRUST_DOMAINS,
    meshRootNamespace: env.MESH_ROOT_NAMESPACE,
    ...fromFile,
  });
  if (!r.success) {
    const where = env.ZTV_CONFIG_FILE ?? 'environment';
    throw new Error(`invalid rules configuration in ${where}: ${r.error.issues.map((i) => `rules.${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return r.data;
}
