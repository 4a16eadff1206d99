import { authzAction, authzNamespaceWide, isAllowNothing, isDenyAll } from '../../state/mesh-authz';
import { meshEnrolment, podMayChangeEnrolment } from '../../state/mesh-namespace';
import { namespaceRule, namespaceSubject } from '../network/scopes';

/**
 * A meshed namespace is default-deny at L7 when a namespace-wide AuthorizationPolicy (no selector, no targetRef) in
 * it, or one in the mesh root namespace (mesh-wide), is allow-nothing (`spec: {}`, or ALLOW with no rules) or
 * deny-all (DENY with a rule that matches everything). Deny-all also counts: nothing gets through it, though it
 * leaves no room for ALLOW policies, which is its own problem.
 */
export const authzDefaultDenyMissing = namespaceRule(
  {
    id: 'authz-default-deny-missing',
    title: 'Meshed namespace has no allow-nothing AuthorizationPolicy',
    severity: 'high',
    area: 'authorization',
    rationale:
      'Istio allows every request to a workload that no ALLOW policy selects. Without an allow-nothing policy for the namespace (or the mesh), each new workload starts open to every caller with a mesh identity, and a forgotten policy fails open instead of closed.',
    resolvesWhen:
      'An allow-nothing AuthorizationPolicy (`spec: {}`) exists in the namespace without a selector, or in the mesh root namespace.',
    remediation: {
      playbook: 'apply-authz-allow-nothing',
      manual:
        'Apply `apiVersion: security.istio.io/v1, kind: AuthorizationPolicy, metadata: {name: allow-nothing, namespace: <ns>}, spec: {}` and then ALLOW policies naming the principals each workload must accept.',
    },
    references: [
      'https://istio.io/latest/docs/reference/config/security/authorization-policy/',
      'https://istio.io/latest/docs/ops/best-practices/security/#use-default-deny-patterns',
      'https://istio.io/latest/docs/tasks/security/authorization/authz-http/',
    ],
    tags: ['zero-trust', 'authorization', 'MITRE TA0008 Lateral Movement'],
    thresholds: ['meshRootNamespace'],
  },
  {
    kinds: ['AuthorizationPolicy', 'Pod'],
    everywhere: (kind, ns, ctx) => kind === 'AuthorizationPolicy' && ns === ctx.config.meshRootNamespace,
    // Pods matter only through whether the namespace is meshed.
    changeMatters: (kind, ns, before, after, ctx) => kind !== 'Pod' || podMayChangeEnrolment(ctx.state, ns, before, after),
    check(ns, ctx) {
      const mesh = meshEnrolment(ctx.state, ns);
      if (!mesh) return [];
      const root = ctx.config.meshRootNamespace;
      const candidates = [...ctx.state.resources.list('AuthorizationPolicy', ns), ...(ns === root ? [] : ctx.state.resources.list('AuthorizationPolicy', root))];
      const denying = candidates.find((ap) => authzNamespaceWide(ap) && (isAllowNothing(ap) || isDenyAll(ap)));
      if (denying) return [];
      const present = ctx.state.resources
        .list('AuthorizationPolicy', ns)
        .map((ap) => ({ name: ap.metadata.name, action: authzAction(ap), namespaceWide: authzNamespaceWide(ap), rules: (ap.spec?.rules ?? []).length }));
      return [
        {
          ...namespaceSubject(ns, ctx),
          message: `Meshed namespace ${ns} has no allow-nothing AuthorizationPolicy, and none is mesh-wide in ${root}`,
          evidence: { meshed: mesh, policiesInNamespace: present, meshRootNamespace: root },
        },
      ];
    },
  },
);
