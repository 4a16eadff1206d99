import type { RuleContext, Violation } from '../../engine/types';
import type { KubeObject } from '../../state/kube-object';
import {
  ambientEnrolled,
  containerNames,
  hasIstioProxy,
  injectionEnabledFor,
  meshEnrolment,
  namespaceLabelsOf,
  ownerOf,
  podInjectChoice,
  podMayChangeEnrolment,
  type MeshEnrolment,
} from '../../state/mesh-namespace';
import { effectiveMtls } from '../../state/mesh-peer-authn';
import { namespaceRule, objectSubject } from '../network/scopes';

const done = ['Succeeded', 'Failed'];

/**
 * Live Pods (injection happens at admission, so templates never show the sidecar) that run no proxy — no
 * `istio-proxy` container, no native-sidecar init container `istio-proxy` with restartPolicy Always, no ambient
 * enrolment — although
 * - sidecar injection is on for them (namespace `istio-injection=enabled` or `istio.io/rev`, or the pod's own
 *   opt-in) and they do not opt out: they were created before injection was enabled, or the injector failed open; or
 * - STRICT mTLS applies to them (effective PeerAuthentication) in a meshed namespace or through a policy of their own
 *   namespace, even when they opt out with `sidecar.istio.io/inject: "false"`: STRICT is enforced by the sidecar,
 *   so such a pod accepts plaintext from anyone and no AuthorizationPolicy protects it (clients' auto-mTLS sees no
 *   sidecar and sends plaintext; with a DestinationRule forcing ISTIO_MUTUAL their calls fail instead).
 * A mesh-wide STRICT alone does not pull in unmeshed namespaces (kube-system would be all findings). Finished
 * pods and hostNetwork pods (never injected) are skipped.
 */
export const sidecarMissing = namespaceRule(
  {
    id: 'sidecar-missing',
    title: 'Pod runs without a mesh proxy',
    severity: 'high',
    area: 'mtls',
    rationale:
      'A pod without a sidecar (or ambient enrolment) has no mesh identity and enforces neither STRICT mTLS nor AuthorizationPolicy: it is a plaintext hole in a namespace that is believed to be zero-trust.',
    resolvesWhen: 'The pod is replaced by one with a proxy (restart after enabling injection), enrolled in ambient, or removed; or injection and STRICT no longer apply to it.',
    remediation: {
      playbook: 'rollout-restart',
      manual:
        'Restart the owning workload so the injector adds the sidecar (`kubectl rollout restart`); check the injector webhook and the pod\'s `sidecar.istio.io/inject` label. A pod that must stay outside the mesh belongs in a namespace without STRICT.',
    },
    references: [
      'https://istio.io/latest/docs/setup/additional-setup/sidecar-injection/',
      'https://istio.io/latest/docs/ops/common-problems/injection/',
      'https://istio.io/latest/docs/ambient/usage/add-workloads/',
    ],
    tags: ['zero-trust', 'mtls'],
    thresholds: ['meshRootNamespace'],
  },
  {
    kinds: ['Pod', 'PeerAuthentication'],
    everywhere: (kind, ns, ctx) => kind === 'PeerAuthentication' && ns === ctx.config.meshRootNamespace,
    // A pod's verdict depends on itself and on the namespace; other pods matter only through whether it is meshed.
    changeMatters(kind, ns, before, after, ctx) {
      if (kind !== 'Pod' || podMayChangeEnrolment(ctx.state, ns, before, after)) return true;
      return expectsProxy(before, ns, ctx) !== expectsProxy(after, ns, ctx);
    },
    check(ns, ctx) {
      const nsLabels = namespaceLabelsOf(ctx.state, ns);
      const meshed = meshEnrolment(ctx.state, ns);
      const out: Violation[] = [];
      for (const pod of ctx.state.resources.list('Pod', ns)) {
        const expected = proxyExpected(pod, ns, ctx, nsLabels, () => meshed);
        if (!expected) continue;
        const { injection, strict, eff } = expected;
        const spec = pod.spec ?? {};
        const labels = pod.metadata.labels ?? {};
        const choice = podInjectChoice(labels, pod.metadata.annotations ?? {});
        const why = [
          ...(injection ? ['sidecar injection is enabled for it'] : []),
          ...(strict ? ['STRICT mTLS applies to it'] : []),
          ...(choice === 'false' ? ['it opts out with sidecar.istio.io/inject=false'] : []),
        ];
        const owner = ownerOf(ctx.state, pod);
        out.push({
          ...objectSubject(pod),
          message: `Pod ${ns}/${pod.metadata.name}${owner ? ` (${owner})` : ''} runs without an istio-proxy although ${why.join(' and ')}`,
          evidence: {
            owner: owner ?? null,
            containers: containerNames(spec),
            injectionEnabled: injection,
            injectChoice: choice ?? null,
            namespaceLabels: nsLabels,
            mtls: { mode: eff.mode, chain: eff.chain },
            phase: pod.status?.phase ?? null,
          },
        });
      }
      return out;
    },
  },
);

/** True when `pod` is there and should run a proxy it does not run (a function, not a closure per change: see proxyExpected). */
function expectsProxy(pod: KubeObject | undefined, ns: string, ctx: RuleContext): boolean {
  // Most pods run their proxy: answered before the namespace is looked up.
  if (!pod || (pod.spec && hasIstioProxy(pod.spec))) return false;
  return proxyExpected(pod, ns, ctx, namespaceLabelsOf(ctx.state, ns), () => meshEnrolment(ctx.state, ns)) !== undefined;
}

/** Why a live pod of `ns` should run a proxy and does not; undefined when it runs one or need not. */
function proxyExpected(pod: KubeObject, ns: string, ctx: RuleContext, nsLabels: Record<string, string>, meshed: () => MeshEnrolment | undefined) {
  const spec = pod.spec ?? {};
  if (done.includes(String(pod.status?.phase)) || spec.hostNetwork) return undefined;
  const labels = pod.metadata.labels ?? {};
  const ann = pod.metadata.annotations ?? {};
  if (hasIstioProxy(spec) || ambientEnrolled(nsLabels, labels, ann)) return undefined;
  const injection = injectionEnabledFor(nsLabels, labels, ann);
  const eff = effectiveMtls(ctx.state, ctx.config, ns, labels);
  const ownPolicy = eff.chain.some((l) => l.level === 'workload' || l.level === 'namespace');
  const strict = eff.mode === 'STRICT' && (ownPolicy || meshed() !== undefined);
  return injection || strict ? { injection, strict, eff } : undefined;
}
