import type { KubeObject } from '../kube-ops';
import { managedByLabel, namespaceRef, namespaceTarget, readBack, verification } from './common';
import type { Playbook, PlaybookContext } from './types';

interface State {
  namespace: KubeObject | undefined;
  policies: KubeObject[];
}

const apVersion = 'security.istio.io/v1';

const allowNothing = (ctx: PlaybookContext): KubeObject => ({
  apiVersion: apVersion,
  kind: 'AuthorizationPolicy',
  metadata: { name: 'ztv-allow-nothing', namespace: ctx.target.namespace!, labels: { ...managedByLabel } },
  spec: {},
});

/** ALLOW policies with at least one rule: once allow-nothing is in place, the only requests that get through. */
function allowPolicies(policies: KubeObject[]): string[] {
  return policies
    .filter(
      (p) =>
        (p.spec?.action ?? 'ALLOW') === 'ALLOW' && Array.isArray(p.spec?.rules) && p.spec.rules.length > 0,
    )
    .map((p) => {
      const selector = p.spec?.selector?.matchLabels;
      return `${p.metadata.name} (${p.spec?.rules.length} rule(s)${selector ? `, selects ${JSON.stringify(selector)}` : ', namespace-wide'})`;
    });
}

/**
 * AuthorizationPolicy `ztv-allow-nothing` (`spec: {}`): Istio then denies every request no ALLOW policy matches. The
 * precheck lists the ALLOW policies that will be the only way in; with none, every request is denied, so automatic
 * runs refuse and a person has to approve it. Resolves authz-default-deny-missing.
 */
export const applyAuthzAllowNothing: Playbook<State> = {
  id: 'apply-authz-allow-nothing',
  describe:
    'Applies AuthorizationPolicy ztv-allow-nothing (spec {}): only requests an ALLOW policy matches get through.',
  targets: namespaceTarget,
  async read(ctx) {
    const ns = ctx.target.namespace!;
    return {
      namespace: await ctx.kube.read(namespaceRef(ns)),
      policies: await ctx.kube.list(apVersion, 'AuthorizationPolicy', ns),
    };
  },
  precheck(ctx, state) {
    const ns = ctx.target.namespace!;
    if (!state.namespace) return { refusals: [`namespace ${ns} does not exist`], notes: [] };
    const allow = allowPolicies(state.policies.filter((p) => p.metadata.name !== 'ztv-allow-nothing'));
    if (allow.length)
      return { refusals: [], notes: [`the only way in will be these ALLOW policies: ${allow.join(', ')}`] };
    const none = `no ALLOW policy in ${ns}: every request to its workloads will be denied`;
    return ctx.mode === 'auto'
      ? { refusals: [`${none}; not done automatically, approve it explicitly`], notes: [] }
      : { refusals: [], notes: [none] };
  },
  plan: (ctx) => [
    { type: 'apply', object: allowNothing(ctx), why: 'deny every request no ALLOW policy matches' },
  ],
  async verify(ctx) {
    const { object, checks } = await readBack(ctx.kube, allowNothing(ctx));
    const spec = object?.spec ?? {};
    checks.push({
      check: 'the policy is allow-nothing (no rules, no selector, action ALLOW)',
      ok:
        !!object &&
        !spec.rules?.length &&
        !spec.selector &&
        !spec.targetRef &&
        (spec.action ?? 'ALLOW') === 'ALLOW',
    });
    return verification(checks);
  },
};
