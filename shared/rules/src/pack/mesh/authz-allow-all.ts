import { authzAction, authzNamespaceWide, ruleMatchesEverything } from '../../state/mesh-authz';
import { objectRule, objectSubject } from '../network/scopes';

/**
 * An ALLOW AuthorizationPolicy has a rule that matches every request: `rules: [{}]`, or a rule whose from/to lists
 * are empty or hold an empty source/operation and which has no `when`. `spec: {}` (no rules) is the opposite,
 * allow-nothing, and is not flagged.
 */
export const authzAllowAll = objectRule(
  {
    id: 'authz-allow-all',
    title: 'AuthorizationPolicy allows every request',
    severity: 'high',
    area: 'authorization',
    rationale:
      'An ALLOW rule that matches everything lets any caller, with or without a mesh identity, reach the selected workloads; it silently cancels an allow-nothing default and every narrower ALLOW policy.',
    resolvesWhen: 'The policy no longer has an ALLOW rule that matches every request, or it is deleted.',
    remediation: {
      manual: 'Replace the empty rule with `from.source.principals` (and `to.operation` methods/paths) for the callers the workload must accept.',
    },
    references: [
      'https://istio.io/latest/docs/reference/config/security/authorization-policy/',
      'https://istio.io/latest/docs/ops/best-practices/security/#safer-authorization-policy-patterns',
    ],
    tags: ['zero-trust', 'authorization'],
    thresholds: ['meshRootNamespace'],
  },
  ['AuthorizationPolicy'],
  (ap, ctx) => {
    if (authzAction(ap) !== 'ALLOW') return [];
    const rules: unknown[] = Array.isArray(ap.spec?.rules) ? ap.spec.rules : [];
    const open = rules.map((r, i) => (ruleMatchesEverything(r) ? i : -1)).filter((i) => i >= 0);
    if (!open.length) return [];
    const ns = ap.metadata.namespace ?? '';
    const scope =
      !authzNamespaceWide(ap) ? 'selected workloads' : ns === ctx.config.meshRootNamespace ? 'every workload in the mesh' : `every workload in ${ns}`;
    return [
      {
        ...objectSubject(ap),
        message: `AuthorizationPolicy ${ns}/${ap.metadata.name} allows every request to ${scope}`,
        evidence: {
          action: 'ALLOW',
          matchAllRules: open.map((i) => ({ rule: i, spec: rules[i] })),
          appliesTo: scope,
          selector: ap.spec?.selector,
          targetRefs: ap.spec?.targetRefs ?? (ap.spec?.targetRef ? [ap.spec.targetRef] : undefined),
        },
      },
    ];
  },
);
