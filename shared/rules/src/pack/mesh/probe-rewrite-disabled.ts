/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Violation } from '../../engine/types';
import { ambientEnrolled, hasIstioProxy, injectionEnabledFor, namespaceLabelsOf } from '../../state/mesh-namespace';
import { effectiveMtls, modeForPort } from '../../state/mesh-peer-authn';
import { podTemplatesIn, templatesSeenChange, workloadName } from '../../state/mesh-workloads';
import { workloadKinds, type PodLike } from '../../state/workloads';
import { namespaceRule, objectSubject } from '../network/scopes';

const REWRITE_ANNOTATION = 'sidecar.istio.io/rewriteAppHTTPProbers';
const probeKinds = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const handlers = ['httpGet', 'tcpSocket', 'grpc'] as const;
/** The istio-agent's own health ports: a probe already pointing there was rewritten (or is the proxy's own). */
const agentPorts = [15020, 15021];

interface ProbeUse {
  container: string;
  probe: string;
  handler: string;
  port: number | string | null;
  mtls: string;
}

/** The port a probe hits: a number, or a named container port resolved on the same container. */
function probePort(container: any, handler: any): number | string | undefined {
  const p = handler?.port;
  if (typeof p === 'number') return p;
  if (typeof p === 'string' && /^\d+$/.test(p)) return Number(p);
  const named = (container.ports ?? []).find((cp: any) => cp.name === p);
  return named?.containerPort ?? p;
}

/** True when the pod will run (Pod: runs) an Envoy sidecar, which is what probe rewriting is for. */
function hasSidecar(p: PodLike, nsLabels: Record<string, string>): boolean {
  if (p.owner.kind === 'Pod') return hasIstioProxy(p.spec);
  return injectionEnabledFor(nsLabels, p.labels, p.annotations) && !ambientEnrolled(nsLabels, p.labels, p.annotations);
}

/**
 * Workload templates and uncontrolled Pods that carry `sidecar.istio.io/rewriteAppHTTPProbers: "false"`, get a
 * sidecar, and have an httpGet, tcpSocket or grpc liveness/readiness/startup probe on a port where the effective
 * mTLS mode (port-level, else workload) is STRICT. The kubelet has no mesh certificate: its HTTP/gRPC probes fail
 * against STRICT, and TCP probes always succeed because Envoy accepts the connection. A mesh-wide
 * `rewriteAppHTTPProbers: false` in meshConfig is not visible in the cluster objects we hold, so only the annotation
 * is checked.
 */
export const probeRewriteDisabled = namespaceRule(
  {
    id: 'probe-rewrite-disabled',
    title: 'Probe rewriting disabled under STRICT mTLS',
    severity: 'medium',
    area: 'mtls',
    rationale:
      'With STRICT mTLS the kubelet\'s plaintext probes cannot pass the sidecar unless Istio rewrites them to the agent: HTTP and gRPC probes fail (restarts, pods never ready) and TCP probes always pass. Teams hit by this tend to fall back to PERMISSIVE.',
    resolvesWhen: 'The annotation is removed (or set to "true"), the probes no longer use HTTP/TCP/gRPC, or mTLS for the probed ports is no longer STRICT.',
    remediation: {
      manual: 'Remove `sidecar.istio.io/rewriteAppHTTPProbers: "false"` from the pod template (rewriting is on by default) and restart the workload, or switch the probe to an exec command.',
    },
    references: [
      'https://istio.io/latest/docs/ops/configuration/mesh/app-health-check/',
      'https://istio.io/latest/docs/reference/config/annotations/',
    ],
    tags: ['availability', 'mtls'],
    thresholds: ['meshRootNamespace'],
  },
  {
    kinds: ['Pod', ...workloadKinds, 'PeerAuthentication'],
    everywhere: (kind, ns, ctx) => kind === 'PeerAuthentication' && ns === ctx.config.meshRootNamespace,
    // Only templates with rewriting turned off can fire, and everything about those counts.
    changeMatters: (kind, ns, before, after, ctx) =>
      kind === 'PeerAuthentication' || templatesSeenChange(ctx.state, kind, ns, before, after, (t) => (t.annotations[REWRITE_ANNOTATION] === 'false' ? {} : undefined)),
    check(ns, ctx) {
      const nsLabels = namespaceLabelsOf(ctx.state, ns);
      const out: Violation[] = [];
      for (const p of podTemplatesIn(ctx.state, ns)) {
        if (p.annotations[REWRITE_ANNOTATION] !== 'false' || !hasSidecar(p, nsLabels)) continue;
        const eff = effectiveMtls(ctx.state, ctx.config, ns, p.labels);
        const probes: ProbeUse[] = [];
        for (const c of (p.spec.containers ?? []) as any[]) {
          if (c.name === 'istio-proxy') continue;
          for (const probe of probeKinds) {
            const handler = handlers.find((h) => c[probe]?.[h]);
            if (!handler) continue;
            const port = probePort(c, c[probe][handler]);
            if (typeof port === 'number' && agentPorts.includes(port)) continue;
            const mtls = modeForPort(eff, typeof port === 'number' ? port : undefined);
            if (mtls === 'STRICT') probes.push({ container: c.name, probe, handler, port: port ?? null, mtls });
          }
        }
        if (!probes.length) continue;
        out.push({
          ...objectSubject(p.owner),
          message: `${workloadName(p.owner)} in ${ns} disables probe rewriting but has ${probes.map((u) => `${u.handler} ${u.probe}`).join(', ')} under STRICT mTLS`,
          evidence: { annotation: { [REWRITE_ANNOTATION]: 'false' }, probes, mtlsChain: eff.chain },
        });
      }
      return out;
    },
  },
);
