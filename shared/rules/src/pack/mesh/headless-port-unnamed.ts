import type { Violation } from '../../engine/types';
import { meshEnrolment, podMayChangeEnrolment } from '../../state/mesh-namespace';
import { namespaceRule, objectSubject } from '../network/scopes';

/** Istio's explicit protocols (port name `<protocol>[-<suffix>]` or appProtocol), case-insensitive. */
const protocols = ['http', 'http2', 'https', 'grpc', 'grpc-web', 'tcp', 'tls', 'mongo', 'mysql', 'redis', 'udp'];
/** appProtocol values Istio also understands (Kubernetes-standard names). */
const k8sAppProtocols = ['kubernetes.io/h2c', 'kubernetes.io/ws', 'kubernetes.io/wss'];

interface ServicePort {
  name?: string;
  port?: number;
  targetPort?: number | string;
  protocol?: string;
  appProtocol?: string;
}

function declaresProtocol(p: ServicePort): boolean {
  const app = p.appProtocol?.toLowerCase();
  if (app && (protocols.includes(app) || k8sAppProtocols.includes(app))) return true;
  const name = p.name?.toLowerCase();
  if (!name) return false;
  // `grpc-web` is itself a protocol; otherwise the protocol is what precedes the first dash.
  return name === 'grpc-web' || name.startsWith('grpc-web-') || protocols.includes(name.split('-')[0] as string);
}

/**
 * A headless Service (clusterIP: None) in a meshed namespace with a TCP port whose name has no Istio protocol prefix
 * and which has no recognised appProtocol. For headless services Istio builds per-pod-IP listeners and does not
 * sniff the protocol of such ports, so their traffic is opaque TCP: HTTP routing, telemetry and L7
 * AuthorizationPolicy fields (methods, paths, headers) never apply to it. UDP/SCTP ports are not proxied and are
 * skipped.
 */
export const headlessPortUnnamed = namespaceRule(
  {
    id: 'headless-port-unnamed',
    title: 'Headless Service port has no protocol name',
    severity: 'medium',
    area: 'authorization',
    rationale:
      'Istio only applies L7 policy to traffic it knows the protocol of. Headless-service ports without a protocol name are handled as raw TCP, so ALLOW rules with HTTP conditions never match them and DENY rules on paths or methods are bypassed.',
    resolvesWhen: 'Every TCP port of the headless Service is named `<protocol>[-suffix]` or sets an appProtocol Istio recognises, or the Service is deleted.',
    remediation: {
      manual: 'Name the port after its protocol (`http-web`, `grpc`, `tcp-db`) or set `appProtocol: http` (grpc, tcp, ...) on it.',
    },
    references: [
      'https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/',
      'https://istio.io/latest/docs/ops/configuration/traffic-management/traffic-routing/#headless-services',
      'https://istio.io/latest/docs/ops/deployment/application-requirements/',
    ],
    tags: ['authorization', 'mesh'],
  },
  {
    kinds: ['Service', 'Pod'],
    // Pods matter only through whether the namespace is meshed.
    changeMatters: (kind, ns, before, after, ctx) => kind !== 'Pod' || podMayChangeEnrolment(ctx.state, ns, before, after),
    check(ns, ctx) {
      const mesh = meshEnrolment(ctx.state, ns);
      if (!mesh) return [];
      const out: Violation[] = [];
      for (const svc of ctx.state.resources.list('Service', ns)) {
        if (svc.spec?.clusterIP !== 'None') continue;
        const ports = ((svc.spec?.ports ?? []) as ServicePort[]).filter(
          (p) => (p.protocol ?? 'TCP').toUpperCase() === 'TCP' && !declaresProtocol(p),
        );
        if (!ports.length) continue;
        out.push({
          ...objectSubject(svc),
          message: `Headless Service ${ns}/${svc.metadata.name} has port ${ports.map((p) => p.name ? `${p.name} (${p.port})` : String(p.port)).join(', ')} without an Istio protocol name or appProtocol`,
          evidence: { clusterIP: 'None', ports, meshed: mesh },
        });
      }
      return out;
    },
  },
);
