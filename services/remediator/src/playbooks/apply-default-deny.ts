import type { KubeObject } from '../kube-ops';
import { ruleViolations } from '../rule-check';
import {
  defaultDenyPolicy,
  dnsEgressPolicy,
  namespaceRef,
  namespaceTarget,
  readBack,
  verification,
} from './common';
import type { Playbook, PlaybookContext } from './types';

interface State {
  namespace: KubeObject | undefined;
  policies: KubeObject[];
}

const desired = (ctx: PlaybookContext) => {
  const ns = ctx.target.namespace!;
  // DNS first: there must never be a moment when egress is denied and name resolution is not allowed back.
  return [dnsEgressPolicy(ns, ctx.settings.dns), defaultDenyPolicy(ns)];
};

/** What netpol-default-deny-missing would still say with these policies in place (see rule-check.ts). */
const remaining = (ctx: PlaybookContext, policies: KubeObject[]) =>
  ruleViolations('netpol-default-deny-missing', ctx.target.namespace!, policies, ctx.settings, ctx.now);

/**
 * `ztv-default-deny` (podSelector {}, policyTypes Ingress and Egress, no rules) plus `ztv-allow-dns-egress`, so the
 * deny-all never breaks name resolution. Resolves netpol-default-deny-missing.
 */
export const applyDefaultDeny: Playbook<State> = {
  id: 'apply-default-deny',
  describe:
    'Applies NetworkPolicy ztv-default-deny (every pod, Ingress and Egress, no rules) and ztv-allow-dns-egress (UDP and TCP 53 to cluster DNS).',
  targets: namespaceTarget,
  async read(ctx) {
    const ns = ctx.target.namespace!;
    return {
      namespace: await ctx.kube.read(namespaceRef(ns)),
      policies: await ctx.kube.list('networking.k8s.io/v1', 'NetworkPolicy', ns),
    };
  },
  precheck(ctx, state) {
    const ns = ctx.target.namespace!;
    if (!state.namespace) return { refusals: [`namespace ${ns} does not exist`], notes: [] };
    const ours = new Set(desired(ctx).map((p) => p.metadata.name));
    const others = state.policies.filter((p) => !ours.has(p.metadata.name));
    const notes = others.length
      ? [`existing NetworkPolicies stay as they are: ${others.map((p) => p.metadata.name).join(', ')}`]
      : [];
    // Policies add up: an allow-everything policy next to the deny-all leaves the namespace open.
    const after = remaining(ctx, [...others, ...desired(ctx)]);
    if (after.length)
      notes.push(`default deny will not hold until other policies change: ${after.join('; ')}`);
    return { refusals: [], notes };
  },
  plan: (ctx) =>
    desired(ctx).map((object) => ({
      type: 'apply' as const,
      object,
      why:
        object.metadata.name === 'ztv-default-deny'
          ? 'deny all ingress and egress for every pod of the namespace'
          : 'allow every pod DNS (UDP and TCP 53) to cluster DNS',
    })),
  async verify(ctx) {
    const checks = [];
    for (const want of desired(ctx)) checks.push(...(await readBack(ctx.kube, want)).checks);
    const policies = await ctx.kube.list('networking.k8s.io/v1', 'NetworkPolicy', ctx.target.namespace);
    const still = remaining(ctx, policies);
    checks.push({
      check: `netpol-default-deny-missing no longer fires for namespace ${ctx.target.namespace}`,
      ok: still.length === 0,
      detail: still.length
        ? still.join('; ')
        : `policies now: ${policies.map((p) => p.metadata.name).join(', ')}`,
    });
    return verification(checks);
  },
};
