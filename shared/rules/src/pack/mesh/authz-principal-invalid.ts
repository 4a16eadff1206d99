import type { RuleContext, Violation } from '../../engine/types';
import type { KubeObject } from '../../state/kube-object';
import { authzAction, principalShape, principalsOf, type PrincipalRef } from '../../state/mesh-authz';
import { namespaceRule, objectSubject } from '../network/scopes';

/** Why a principal can never match the identity it was meant for; undefined when it is fine (or unknown). */
function principalProblem(p: string, ctx: RuleContext): string | undefined {
  const shape = principalShape(p);
  if (!shape.ok) return shape.reason;
  const tds = ctx.config.trustDomains;
  const list = tds.join(', ');
  if (shape.kind === 'any') return undefined;
  if (shape.trustDomain !== undefined && !tds.includes(shape.trustDomain)) return `trust domain "${shape.trustDomain}" is not one of ${list}`;
  if (shape.kind !== 'exact') {
    const part = shape.tdPartial;
    if (!part) return undefined;
    const fits = shape.kind === 'prefix' ? tds.some((t) => t.startsWith(part)) : tds.some((t) => t.endsWith(part));
    return fits ? undefined : `no configured trust domain (${list}) ${shape.kind === 'prefix' ? 'starts' : 'ends'} with "${part}"`;
  }
  // Only a namespace whose ServiceAccounts we hold can prove one missing: otherwise it is unknown, not a violation.
  const sas = ctx.state.resources.list('ServiceAccount', shape.namespace);
  if (sas.length && !sas.some((sa) => sa.metadata.name === shape.serviceAccount)) {
    return `ServiceAccount ${shape.namespace}/${shape.serviceAccount} does not exist (known: ${sas.map((s) => s.metadata.name).sort().join(', ')})`;
  }
  return undefined;
}

/** A bad principal in DENY `principals` or ALLOW `notPrincipals` makes the rule match more than meant: it fails open. */
function failsOpen(action: string, ref: PrincipalRef): boolean {
  return (action === 'DENY' && ref.field === 'principals') || (action === 'ALLOW' && ref.field === 'notPrincipals');
}

function check(ap: KubeObject, ctx: RuleContext): Violation | undefined {
  const action = authzAction(ap);
  const problems = principalsOf(ap)
    .map((ref) => ({ ...ref, reason: principalProblem(ref.principal, ctx) }))
    .filter((p): p is PrincipalRef & { reason: string } => p.reason !== undefined)
    .map((p) => ({ ...p, effect: failsOpen(action, p) ? 'fails open: the rule matches requests it was meant to exclude' : 'fails closed: the intended peer is not matched' }));
  if (!problems.length) return undefined;
  const open = problems.some((p) => p.effect.startsWith('fails open'));
  const first = problems[0]!;
  return {
    ...objectSubject(ap),
    ...(open ? { severity: 'high' as const } : {}),
    message: `AuthorizationPolicy ${ap.metadata.namespace}/${ap.metadata.name} names principal "${first.principal}", which ${first.reason.startsWith('ServiceAccount') ? 'names a missing ServiceAccount' : 'is invalid'}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`,
    evidence: { action, problems, trustDomains: ctx.config.trustDomains },
  };
}

/**
 * Each principal / notPrincipal of an AuthorizationPolicy must be `<trust-domain>/ns/<ns>/sa/<sa>` (Istio's forms
 * `*`, `prefix*`, `*suffix` allowed), in a configured trust domain, naming a ServiceAccount that exists when the
 * state holds that namespace's ServiceAccounts. Checked per namespace; a ServiceAccount change re-checks the namespaces whose policies name its namespace.
 */
export const authzPrincipalInvalid = namespaceRule(
  {
    id: 'authz-principal-invalid',
    title: 'AuthorizationPolicy principal is invalid',
    severity: 'medium',
    area: 'authorization',
    rationale:
      'Istio compares principals as strings: a malformed one (`default/sleep`, a `spiffe://` prefix, a wildcard in the middle), a foreign trust domain or a deleted ServiceAccount never matches. In an ALLOW rule that silently locks the caller out; in a DENY rule or a notPrincipals list it silently lets everyone through.',
    resolvesWhen: 'Every principal of the policy is well-formed, in a configured trust domain and names an existing ServiceAccount, or the policy is deleted.',
    remediation: {
      manual: 'Write principals as `<trust-domain>/ns/<namespace>/sa/<service-account>` (e.g. `cluster.local/ns/default/sa/sleep`), or use `source.namespaces` for a whole namespace.',
    },
    references: [
      'https://istio.io/latest/docs/reference/config/security/authorization-policy/#Source',
      'https://istio.io/latest/docs/reference/config/security/conditions/',
      'https://istio.io/latest/docs/concepts/security/#istio-identity',
    ],
    tags: ['authorization', 'identity'],
    thresholds: ['trustDomains'],
  },
  {
    kinds: ['AuthorizationPolicy', 'ServiceAccount'],
    // A ServiceAccount change matters to every namespace whose policies name its namespace in a principal.
    related: (kind, ns, ctx) =>
      kind !== 'ServiceAccount' || !ns
        ? []
        : ctx.state.resources
            .list('AuthorizationPolicy')
            .filter((ap) => principalsOf(ap).some((p) => p.principal.includes(`/ns/${ns}/sa/`)))
            .map((ap) => ap.metadata.namespace ?? ''),
    check: (ns, ctx) =>
      ctx.state.resources
        .list('AuthorizationPolicy', ns)
        .map((ap) => check(ap, ctx))
        .filter((v): v is Violation => v !== undefined),
  },
);
