import type { KubeObject, ObjectRef } from '../kube-ops';
import { managedByLabel, namespaceRef, namespaceTarget, verification } from './common';
import type { Action, Playbook, PlaybookContext } from './types';

interface State {
  namespace: KubeObject | undefined;
  pods: KubeObject[];
  peerAuthentications: KubeObject[];
}

const paVersion = 'security.istio.io/v1';
const weak = (mode: unknown) => mode === 'PERMISSIVE' || mode === 'DISABLE';
const namespaceWide = (pa: KubeObject) => Object.keys(pa.spec?.selector?.matchLabels ?? {}).length === 0;

/** A proxy container, a native-sidecar init container, or ambient enrolment (namespace or pod label). */
function hasProxy(pod: KubeObject, nsLabels: Record<string, string>): boolean {
  const spec = pod.spec ?? {};
  const names = (spec.containers ?? []).map((c: { name: string }) => c.name);
  const native = (spec.initContainers ?? []).some(
    (c: { name: string; restartPolicy?: string }) => c.name === 'istio-proxy' && c.restartPolicy === 'Always',
  );
  const podMode = pod.metadata.labels?.['istio.io/dataplane-mode'];
  const ambient =
    podMode === 'ambient' || (nsLabels['istio.io/dataplane-mode'] === 'ambient' && podMode !== 'none');
  return names.includes('istio-proxy') || native || ambient;
}

/** Running pods (hostNetwork ones are never meshed) with neither a proxy nor ambient enrolment: `name (Owner/name)`. */
function podsWithoutProxy(state: State): string[] {
  const nsLabels = state.namespace?.metadata.labels ?? {};
  return state.pods
    .filter((p) => !['Succeeded', 'Failed'].includes(String(p.status?.phase)) && !p.spec?.hostNetwork)
    .filter((p) => !hasProxy(p, nsLabels))
    .map((p) => {
      const owner = (p.metadata.ownerReferences ?? []).find((o) => o.controller);
      return `${p.metadata.name}${owner ? ` (${owner.kind}/${owner.name})` : ''}`;
    });
}

/** The PeerAuthentication the playbook changes: the finding's own, the one namespace-wide policy, or a new `default`. */
function chosen(ctx: PlaybookContext, state: State): { existing?: KubeObject; name: string } {
  const named = ctx.target.object?.name;
  if (named)
    return { existing: state.peerAuthentications.find((p) => p.metadata.name === named), name: named };
  const wide = state.peerAuthentications.filter(namespaceWide);
  return wide.length === 1 ? { existing: wide[0], name: wide[0]!.metadata.name } : { name: 'default' };
}

const paRef = (namespace: string, name: string): ObjectRef => ({
  apiVersion: paVersion,
  kind: 'PeerAuthentication',
  namespace,
  name,
});

/**
 * PeerAuthentication mode STRICT for the namespace (or for the workload policy the finding names), only when every
 * running pod of the namespace has a proxy: the proxy is what enforces STRICT, so a pod without one stays open to
 * plaintext, and its own plaintext calls to its meshed neighbours start failing. Otherwise it refuses with the list.
 */
export const enforceStrictMtls: Playbook<State> = {
  id: 'enforce-strict-mtls',
  describe:
    "Sets PeerAuthentication mtls.mode STRICT: the namespace's namespace-wide policy (a new `default` when there is none), or the workload policy the finding names.",
  targets(finding) {
    // A plaintext flow names its source; STRICT belongs where the connection arrived.
    const destination = (finding.evidence.destination as { namespace?: unknown } | undefined)?.namespace;
    if (finding.ruleId === 'flow-plaintext' && typeof destination === 'string')
      return { ok: true, target: { namespace: destination, describe: `namespace ${destination}` } };
    const t = namespaceTarget(finding);
    if (!t.ok || finding.subject.kind !== 'PeerAuthentication' || !finding.subject.name) return t;
    const name = finding.subject.name;
    return {
      ok: true,
      target: {
        ...t.target,
        object: { kind: 'PeerAuthentication', name },
        describe: `PeerAuthentication ${t.target.namespace}/${name}`,
      },
    };
  },
  async read(ctx) {
    const ns = ctx.target.namespace!;
    return {
      namespace: await ctx.kube.read(namespaceRef(ns)),
      pods: await ctx.kube.list('v1', 'Pod', ns),
      peerAuthentications: await ctx.kube.list(paVersion, 'PeerAuthentication', ns),
    };
  },
  precheck(ctx, state) {
    const ns = ctx.target.namespace!;
    if (!state.namespace) return { refusals: [`namespace ${ns} does not exist`], notes: [] };
    const refusals: string[] = [];
    const missing = podsWithoutProxy(state);
    if (missing.length)
      refusals.push(`pods without a sidecar (or ambient enrolment) in ${ns}: ${missing.join(', ')}`);
    if (ctx.target.object && !chosen(ctx, state).existing)
      refusals.push(`PeerAuthentication ${ns}/${ctx.target.object.name} no longer exists`);
    const wide = state.peerAuthentications.filter(namespaceWide);
    if (!ctx.target.object && wide.length > 1)
      refusals.push(
        `${wide.length} namespace-wide PeerAuthentications in ${ns} (${wide.map((p) => p.metadata.name).join(', ')}): Istio uses the oldest; merge them first`,
      );
    return { refusals, notes: [] };
  },
  plan(ctx, state): Action[] {
    const ns = ctx.target.namespace!;
    const { existing, name } = chosen(ctx, state);
    if (!existing) {
      return [
        {
          type: 'apply',
          object: {
            apiVersion: paVersion,
            kind: 'PeerAuthentication',
            metadata: { name, namespace: ns, labels: { ...managedByLabel } },
            spec: { mtls: { mode: 'STRICT' } },
          },
          why: 'namespace-wide mTLS STRICT',
        },
      ];
    }
    const ports = Object.entries(
      (existing.spec?.portLevelMtls ?? {}) as Record<string, { mode?: string }>,
    ).filter(([, p]) => weak(p?.mode));
    return [
      {
        type: 'merge-patch',
        ref: paRef(ns, name),
        patch: {
          metadata: { resourceVersion: existing.metadata.resourceVersion },
          spec: {
            mtls: { mode: 'STRICT' },
            ...(ports.length
              ? { portLevelMtls: Object.fromEntries(ports.map(([port]) => [port, { mode: 'STRICT' }])) }
              : {}),
          },
        },
        why: `mTLS STRICT in the existing PeerAuthentication ${name}${ports.length ? ` and its ports ${ports.map(([p]) => p).join(', ')}` : ''}`,
      },
    ];
  },
  async verify(ctx, state) {
    const { name } = chosen(ctx, state);
    const got = await ctx.kube.read(paRef(ctx.target.namespace!, name));
    const ports = Object.entries(
      (got?.spec?.portLevelMtls ?? {}) as Record<string, { mode?: string }>,
    ).filter(([, p]) => weak(p?.mode));
    return verification([
      {
        check: `PeerAuthentication ${ctx.target.namespace}/${name} mtls.mode is STRICT`,
        ok: got?.spec?.mtls?.mode === 'STRICT',
        detail: `mode ${got ? String(got.spec?.mtls?.mode) : 'absent'}`,
      },
      { check: 'no port-level PERMISSIVE or DISABLE', ok: ports.length === 0 },
    ]);
  },
};
