import type { AuditData } from '@ztv/events';
import type { EventRule, Violation } from '../../engine/types';
import { actingPrincipal, isDryRun, principalAllowed, wasRefused } from './audit-util';

/** Security-policy resources, by audit objectRef.resource → kind. */
/** A Map, not an object: a resource named `constructor` or `toString` must find nothing. */
const policyResources = new Map<string, string>([
  ['networkpolicies', 'NetworkPolicy'],
  ['peerauthentications', 'PeerAuthentication'],
  ['authorizationpolicies', 'AuthorizationPolicy'],
  ['ciliumnetworkpolicies', 'CiliumNetworkPolicy'],
  ['ciliumclusterwidenetworkpolicies', 'CiliumClusterwideNetworkPolicy'],
]);

type Obj = { spec?: Record<string, unknown> } | undefined;

/** Why the object, as it is after the change, is weaker than a zero-trust baseline allows; undefined if it is not. */
export function weakness(kind: string, obj: Obj): string | undefined {
  const spec = obj?.spec ?? {};
  switch (kind) {
    case 'PeerAuthentication': {
      const mode = (spec.mtls as { mode?: string } | undefined)?.mode;
      if (mode === 'PERMISSIVE' || mode === 'DISABLE') return `mtls.mode set to ${mode}`;
      const ports = Object.entries((spec.portLevelMtls as Record<string, { mode?: string }>) ?? {});
      const weak = ports.find(([, p]) => p.mode === 'PERMISSIVE' || p.mode === 'DISABLE');
      return weak ? `port ${weak[0]} mTLS set to ${weak[1].mode}` : undefined;
    }
    case 'AuthorizationPolicy': {
      const action = (spec.action as string | undefined) ?? 'ALLOW';
      const rules = spec.rules as unknown[] | undefined;
      if (action === 'ALLOW' && rules?.some((r) => r !== null && typeof r === 'object' && Object.keys(r).length === 0)) {
        return 'an ALLOW rule that matches every request';
      }
      return undefined;
    }
    case 'NetworkPolicy': {
      for (const dir of ['ingress', 'egress'] as const) {
        const rules = spec[dir] as unknown[] | undefined;
        if (rules?.some((r) => r !== null && typeof r === 'object' && Object.keys(r).length === 0)) return `${dir} allowed from/to everywhere`;
      }
      return undefined;
    }
    case 'CiliumNetworkPolicy':
    case 'CiliumClusterwideNetworkPolicy': {
      const text = JSON.stringify(spec);
      return /"(fromEntities|toEntities)":\[[^\]]*"(all|world)"/.test(text) ? 'allows the "all"/"world" entity' : undefined;
    }
  }
  return undefined;
}

function tampering(a: AuditData, kind: string): string | undefined {
  if (a.verb === 'delete' || a.verb === 'deletecollection') return a.verb === 'delete' ? 'deleted' : 'deleted (collection)';
  if (a.verb === 'update' || a.verb === 'patch') {
    // Only a full object can show a weakening: the response (RequestResponse level) or an update's request body.
    const after = (a.responseObject as Obj) ?? (a.verb === 'update' ? (a.requestObject as Obj) : undefined);
    const why = weakness(kind, after);
    return why ? `weakened: ${why}` : undefined;
  }
  return undefined;
}

/** A NetworkPolicy / PeerAuthentication / AuthorizationPolicy / CiliumNetworkPolicy deleted or weakened by a principal outside the allow-list. */
export const policyTampered: EventRule = {
  kind: 'event',
  id: 'policy-tampered',
  title: 'Security policy deleted or weakened',
  severity: 'high',
  area: 'audit',
  on: ['k8s.audit'],
  rationale:
    'Zero trust assumes breach: deleting or loosening a NetworkPolicy, PeerAuthentication or AuthorizationPolicy is how an attacker with API access widens their reach, and outside change control it is drift even when well meant.',
  resolvesWhen: 'Event-based: resolved by the alerter after the quiet period with no new occurrence.',
  remediation: {
    manual:
      'Confirm with the principal whether the change was intended; restore the policy from source control (GitOps) and review RBAC so only policy administrators can delete or modify security policies.',
  },
  references: [
    'https://kubernetes.io/docs/tasks/debug/debug-cluster/audit/',
    'https://istio.io/latest/docs/reference/config/security/peer_authentication/',
    'https://istio.io/latest/docs/reference/config/security/authorization-policy/',
  ],
  tags: ['MITRE T1562.001 Impair Defenses: Disable or Modify Tools', 'audit'],
  thresholds: ['policyAdmins'],
  check(event, ctx): Violation[] {
    if (event.type !== 'k8s.audit') return [];
    const a = event.data;
    const kind = policyResources.get(a.objectRef?.resource ?? '');
    if (!kind || a.stage !== 'ResponseComplete' || a.objectRef?.subresource) return [];
    if (wasRefused(a) || isDryRun(a)) return [];
    const what = tampering(a, kind);
    if (!what) return [];
    const principal = actingPrincipal(a);
    if (principalAllowed(ctx.config.policyAdmins, principal)) return [];
    const ns = a.objectRef?.namespace;
    const name = a.objectRef?.name ?? '(collection)';
    return [
      {
        subject: { ...(ns ? { namespace: ns } : {}), kind, name },
        message: `${kind} ${ns ? `${ns}/` : ''}${name} ${what} by ${principal ?? 'an unknown principal'}`,
        principal,
        evidence: {
          auditID: a.auditID,
          verb: a.verb,
          change: what,
          user: a.user.username,
          ...(a.impersonatedUser?.username ? { impersonatedUser: a.impersonatedUser.username } : {}),
          groups: a.user.groups ?? [],
          sourceIPs: a.sourceIPs ?? [],
          userAgent: a.userAgent,
          requestURI: a.requestURI,
          at: a.stageTimestamp ?? a.requestReceivedTimestamp ?? event.time,
        },
      },
    ];
  },
};
