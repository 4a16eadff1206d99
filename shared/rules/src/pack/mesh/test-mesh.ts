import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../state/kube-object';
import { istioSamples } from './test-istio-samples';

/* Test support for the mesh rule tests and the seed scenario (imported by *.test.ts only). */

/** An Istio sample applied with `kubectl apply -n <ns>`: ServiceAccount, Service, Deployment. */
export function istioSample(name: keyof typeof istioSamples, ns: string): KubeObject[] {
  return parseAllDocuments(istioSamples[name]).map((d) => {
    const o = d.toJS() as KubeObject;
    return { ...o, metadata: { ...o.metadata, namespace: ns } };
  });
}

const PROXY_IMAGE = 'docker.io/istio/proxyv2:1.24.2';

/**
 * The Pod a Deployment's ReplicaSet creates, as Istio's sidecar injector (1.24, classic sidecar mode) mutates it:
 * istio-init (iptables, NET_ADMIN/NET_RAW) and istio-proxy added, status annotation and tlsMode label set.
 * `inject: false` gives the pod as it is without injection.
 */
export function podOf(deploy: KubeObject, opts: { hash?: string; suffix?: string; inject?: boolean } = {}): KubeObject {
  const hash = opts.hash ?? '5d8f7c6b9';
  const t = deploy.spec?.template ?? {};
  const ns = deploy.metadata.namespace as string;
  const app = String(t.metadata?.labels?.app ?? deploy.metadata.name);
  const inject = opts.inject ?? true;
  const spec = structuredClone(t.spec ?? {});
  if (inject) {
    spec.initContainers = [
      {
        name: 'istio-init',
        image: PROXY_IMAGE,
        args: ['istio-iptables', '-p', '15001', '-z', '15006', '-u', '1337', '-m', 'REDIRECT', '-i', '*', '-x', '', '-b', '*', '-d', '15090,15021,15020', '--log_output_level=default:info'],
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
          privileged: false,
          readOnlyRootFilesystem: false,
          runAsGroup: 0,
          runAsNonRoot: false,
          runAsUser: 0,
        },
      },
    ];
    spec.containers = [
      ...(spec.containers ?? []),
      {
        name: 'istio-proxy',
        image: PROXY_IMAGE,
        args: ['proxy', 'sidecar', '--domain', `${ns}.svc.cluster.local`, '--proxyLogLevel=warning', '--proxyComponentLogLevel=misc:error', '--log_output_level=default:info'],
        ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
        readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 }, failureThreshold: 4, periodSeconds: 15, timeoutSeconds: 3 },
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          privileged: false,
          readOnlyRootFilesystem: true,
          runAsGroup: 1337,
          runAsNonRoot: true,
          runAsUser: 1337,
        },
      },
    ];
  }
  const labels: Record<string, string> = { ...(t.metadata?.labels ?? {}), 'pod-template-hash': hash };
  const annotations: Record<string, string> = { ...(t.metadata?.annotations ?? {}) };
  if (inject) {
    Object.assign(labels, { 'security.istio.io/tlsMode': 'istio', 'service.istio.io/canonical-name': app, 'service.istio.io/canonical-revision': labels.version ?? 'latest' });
    Object.assign(annotations, {
      'istio.io/rev': 'default',
      'kubectl.kubernetes.io/default-container': spec.containers[0].name,
      'kubectl.kubernetes.io/default-logs-container': spec.containers[0].name,
      'prometheus.io/path': '/stats/prometheus',
      'prometheus.io/port': '15020',
      'prometheus.io/scrape': 'true',
      'sidecar.istio.io/status':
        '{"initContainers":["istio-init"],"containers":["istio-proxy"],"volumes":["workload-socket","credential-socket","workload-certs","istio-envoy","istio-data","istio-podinfo","istio-token","istiod-ca-cert"],"imagePullSecrets":null,"revision":"default"}',
    });
  }
  const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${deploy.metadata.name}-${hash}`, uid: `rs-${hash}`, controller: true, blockOwnerDeletion: true };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${deploy.metadata.name}-${hash}-${opts.suffix ?? 'x7k2p'}`,
      namespace: ns,
      labels,
      annotations,
      ownerReferences: [owner],
    },
    spec: { ...spec, serviceAccountName: spec.serviceAccountName ?? 'default', nodeName: 'worker-1' },
    status: { phase: 'Running', podIP: '10.244.1.17' },
  };
}

export function peerAuthentication(name: string, ns: string, spec: Record<string, unknown>, creationTimestamp?: string): KubeObject {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name, namespace: ns, ...(creationTimestamp ? { creationTimestamp } : {}) },
    spec,
  };
}

export function authorizationPolicy(name: string, ns: string, spec: Record<string, unknown>, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'AuthorizationPolicy',
    metadata: { name, namespace: ns, ...(annotations ? { annotations } : {}) },
    spec,
  };
}
