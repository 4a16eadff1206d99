import type { Violation } from '../../engine/types';
import { matchesSelector } from '../../engine/selector';
import { meshEnrolment, podMayChangeEnrolment } from '../../state/mesh-namespace';
import { declaredMode, effectiveMtls, hasWorkloadSelector, normalizeMode } from '../../state/mesh-peer-authn';
import { podTemplatesIn, workloadName } from '../../state/mesh-workloads';
import { namespaceRule, namespaceSubject, objectSubject } from '../network/scopes';

const weak = (m: string) => m === 'PERMISSIVE' || m === 'DISABLE';

/**
 * For a meshed namespace: the namespace-wide effective mode (namespace policy over the mesh-wide policy in the root
 * namespace, UNSET inheriting, PERMISSIVE when nothing sets a mode) is not STRICT → a finding on the Namespace; a
 * workload PeerAuthentication (non-empty selector, outside the root namespace where Istio ignores selectors) that
 * itself sets PERMISSIVE/DISABLE, for the workload or for a port (portLevelMtls) → a finding on that policy.
 * Inherited (UNSET) modes are the namespace finding's business, so nothing is reported twice.
 */
export const mtlsNotStrict = namespaceRule(
  {
    id: 'mtls-not-strict',
    title: 'mTLS is not STRICT',
    severity: 'high',
    area: 'mtls',
    rationale:
      'PERMISSIVE (Istio\'s default) accepts plaintext next to mTLS, so any pod, meshed or not, can call the workload without an identity and AuthorizationPolicy principals cannot be enforced; DISABLE turns mTLS off. Zero trust requires every connection to be authenticated.',
    resolvesWhen:
      'The effective PeerAuthentication for the namespace (namespace-wide, else mesh-wide) is STRICT, and no workload policy sets PERMISSIVE or DISABLE for a workload or port.',
    remediation: {
      playbook: 'enforce-strict-mtls',
      manual:
        'Apply a PeerAuthentication named `default` with `mtls.mode: STRICT` in the namespace (or in the mesh root namespace for the whole mesh) once every client has a sidecar; remove PERMISSIVE/DISABLE workload and port overrides.',
    },
    references: [
      'https://istio.io/latest/docs/reference/config/security/peer_authentication/',
      'https://istio.io/latest/docs/concepts/security/#peer-authentication',
      'https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/',
    ],
    tags: ['zero-trust', 'MITRE T1557 Adversary-in-the-Middle', 'MITRE T1040 Network Sniffing'],
    thresholds: ['meshRootNamespace'],
  },
  {
    kinds: ['PeerAuthentication', 'Pod'],
    everywhere: (kind, ns, ctx) => kind === 'PeerAuthentication' && ns === ctx.config.meshRootNamespace,
    // Pods matter only through whether the namespace is meshed (the workloads a policy selects are evidence).
    changeMatters: (kind, ns, before, after, ctx) => kind !== 'Pod' || podMayChangeEnrolment(ctx.state, ns, before, after),
    check(ns, ctx) {
      const mesh = meshEnrolment(ctx.state, ns);
      if (!mesh) return [];
      const out: Violation[] = [];
      const eff = effectiveMtls(ctx.state, ctx.config, ns);
      if (eff.mode !== 'STRICT') {
        const decided = eff.chain.find((l) => l.mode !== 'UNSET');
        out.push({
          ...namespaceSubject(ns, ctx),
          message: `mTLS for meshed namespace ${ns} is ${eff.mode} (${decided?.policy ? `set by PeerAuthentication ${decided.policy}` : "Istio's default"})`,
          evidence: { effectiveMode: eff.mode, chain: eff.chain, meshed: mesh },
        });
      }
      if (ns === ctx.config.meshRootNamespace) return out;
      for (const pa of ctx.state.resources.list('PeerAuthentication', ns).filter(hasWorkloadSelector)) {
        const mode = declaredMode(pa);
        const ports = Object.entries((pa.spec?.portLevelMtls ?? {}) as Record<string, { mode?: string }>)
          .map(([port, p]) => ({ port, mode: normalizeMode(p?.mode) }))
          .filter((p) => weak(p.mode));
        if (!weak(mode) && !ports.length) continue;
        const selects = podTemplatesIn(ctx.state, ns)
          .filter((p) => matchesSelector(pa.spec?.selector, p.labels))
          .map((p) => workloadName(p.owner));
        const what = weak(mode) ? `sets mTLS to ${mode}` : `sets ${ports.map((p) => `port ${p.port} to ${p.mode}`).join(', ')}`;
        out.push({
          ...objectSubject(pa),
          message: `PeerAuthentication ${ns}/${pa.metadata.name} ${what} for workloads matching ${JSON.stringify(pa.spec?.selector?.matchLabels ?? {})}`,
          evidence: {
            mode,
            weakPorts: ports,
            selector: pa.spec?.selector,
            selects,
            namespaceMode: eff.mode,
            namespaceChain: eff.chain,
          },
        });
      }
      return out;
    },
  },
);
