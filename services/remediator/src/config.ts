import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';
import type { Env } from '@ztv/config';
import { remediationModes } from '@ztv/jobs';

const name = z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'a Kubernetes namespace name');
const rateLimit = z.strictObject({
  /** Applies that may start ... */
  max: z.number().int().min(0),
  /** ... within this many seconds. */
  windowSeconds: z.number().int().min(1),
});
export type RateLimit = z.infer<typeof rateLimit>;

/**
 * The `remediation:` section of the YAML config file (ZTV_CONFIG_FILE). Every default is documented in
 * docs/remediation.md.
 */
export const remediationConfigSchema = z.strictObject({
  /** Kill switch in the file; REMEDIATION_ENABLED=false in the environment turns applies off as well. */
  enabled: z.boolean().default(true),
  /** An `approve` plan nobody approved within this many seconds expires (default 24 h). */
  approvalTtlSeconds: z
    .number()
    .int()
    .min(60)
    .default(24 * 3600),
  /**
   * Namespaces no playbook ever changes (default: the Kubernetes system namespaces, the mesh root namespace from
   * MESH_ROOT_NAMESPACE, SPIRE's and ztv's own). Setting the list replaces the default.
   */
  protectedNamespaces: z.array(name).optional(),
  /** Protected namespaces a playbook may change after all: the explicit allowance. */
  allowProtectedNamespaces: z.array(name).default([]),
  /** Per playbook id (and `default` for the rest): how many applies may start per window, across all replicas. */
  rateLimits: z.record(z.string(), rateLimit).default({}),
  /** Where cluster DNS runs, for the DNS egress allowance (kube-dns and CoreDNS both carry k8s-app=kube-dns). */
  dns: z
    .strictObject({
      namespace: name.default('kube-system'),
      podLabels: z.record(z.string(), z.string()).default({ 'k8s-app': 'kube-dns' }),
    })
    .default({ namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } }),
  /**
   * Per rule id: the mode automatic remediations run in (dry-run by default for every rule; `auto` is an explicit
   * opt-in) and the playbook, when it should differ from the one the rule's catalogue entry names.
   */
  rules: z
    .record(
      z.string(),
      z.strictObject({ mode: z.enum(remediationModes).default('dry-run'), playbook: z.string().optional() }),
    )
    .default({}),
});
export type RemediationConfig = z.output<typeof remediationConfigSchema>;

/** Default rate limits: cordon at most one node an hour; anything else ten applies a minute per playbook. */
export const defaultRateLimits: Record<string, RateLimit> = {
  default: { max: 10, windowSeconds: 60 },
  'cordon-node': { max: 1, windowSeconds: 3600 },
};

/** What the remediator runs with: the file's section resolved against the environment. */
export interface RemediatorSettings {
  /** Both kill switches on. */
  enabled: boolean;
  approvalTtlSeconds: number;
  protectedNamespaces: string[];
  allowProtectedNamespaces: string[];
  rateLimits: Record<string, RateLimit>;
  dns: { namespace: string; podLabels: Record<string, string> };
  meshRootNamespace: string;
  rules: RemediationConfig['rules'];
}

export function defaultProtectedNamespaces(meshRootNamespace: string): string[] {
  return [
    ...new Set(['kube-system', 'kube-public', 'kube-node-lease', meshRootNamespace, 'spire-system', 'ztv']),
  ];
}

export class RemediationConfigError extends Error {
  override readonly name = 'RemediationConfigError';
  readonly retry = false;
  constructor(readonly issues: string[]) {
    super(`invalid remediation configuration:\n  ${issues.join('\n  ')}`);
  }
}

/** Resolves a parsed `remediation:` section (or nothing) against the environment. */
export function remediatorSettings(
  section: unknown,
  env: Pick<Env, 'REMEDIATION_ENABLED' | 'MESH_ROOT_NAMESPACE'>,
  where = 'remediation',
): RemediatorSettings {
  const r = remediationConfigSchema.safeParse(section ?? {});
  if (!r.success)
    throw new RemediationConfigError(
      r.error.issues.map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`),
    );
  const c = r.data;
  return {
    enabled: env.REMEDIATION_ENABLED && c.enabled,
    approvalTtlSeconds: c.approvalTtlSeconds,
    protectedNamespaces: c.protectedNamespaces ?? defaultProtectedNamespaces(env.MESH_ROOT_NAMESPACE),
    allowProtectedNamespaces: c.allowProtectedNamespaces,
    rateLimits: { ...defaultRateLimits, ...c.rateLimits },
    dns: c.dns,
    meshRootNamespace: env.MESH_ROOT_NAMESPACE,
    rules: c.rules,
  };
}

/** The `remediation:` section of ZTV_CONFIG_FILE (defaults when there is no file or no section). */
export function loadRemediatorSettings(
  env: Pick<Env, 'REMEDIATION_ENABLED' | 'MESH_ROOT_NAMESPACE' | 'ZTV_CONFIG_FILE'>,
  readFile: (path: string) => string = (p) => readFileSync(p, 'utf8'),
): RemediatorSettings {
  if (!env.ZTV_CONFIG_FILE) return remediatorSettings(undefined, env);
  let doc: unknown;
  try {
    doc = parse(readFile(env.ZTV_CONFIG_FILE));
  } catch (err) {
    throw new RemediationConfigError([`${env.ZTV_CONFIG_FILE}: not valid YAML: ${(err as Error).message}`]);
  }
  const section = doc && typeof doc === 'object' ? (doc as Record<string, unknown>).remediation : undefined;
  return remediatorSettings(section, env, `${env.ZTV_CONFIG_FILE}: remediation`);
}

/** The rate limit of a playbook: its own, else `default`. */
export function rateLimitFor(settings: Pick<RemediatorSettings, 'rateLimits'>, playbook: string): RateLimit {
  return settings.rateLimits[playbook] ?? settings.rateLimits.default ?? defaultRateLimits.default!;
}

/**
 * What an automatic trigger (the alerter) should request for a finding of `ruleId` whose catalogue entry names
 * `rulePlaybook`: the configured playbook and mode, dry-run by default; undefined when there is no playbook.
 */
export function automaticRemediation(
  settings: Pick<RemediatorSettings, 'rules'>,
  ruleId: string,
  rulePlaybook: string | undefined,
): { playbook: string; mode: RemediationConfig['rules'][string]['mode'] } | undefined {
  const rule = settings.rules[ruleId];
  const playbook = rule?.playbook ?? rulePlaybook;
  return playbook ? { playbook, mode: rule?.mode ?? 'dry-run' } : undefined;
}
