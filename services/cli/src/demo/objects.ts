/* Kubernetes objects of the demo cluster: a realistic shop with a meshed `payments` namespace. */
type Obj = Record<string, unknown>;

const meta = (kind: string, apiVersion: string, name: string, namespace?: string, extra: Obj = {}) => ({
  apiVersion,
  kind,
  metadata: { name, ...(namespace ? { namespace } : {}), uid: `demo-${kind.toLowerCase()}-${namespace ?? '_'}-${name}`, resourceVersion: '1', ...extra },
});

export function namespace(name: string, labels: Record<string, string>): Obj {
  return meta('Namespace', 'v1', name, undefined, { labels: { 'kubernetes.io/metadata.name': name, ...labels } });
}

export function serviceAccount(ns: string, name: string): Obj {
  return { ...meta('ServiceAccount', 'v1', name, ns), automountServiceAccountToken: false };
}

const digest = 'sha256:3f1e0c4c3a4a8b2f0d9e6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a392817';

function container(name: string, image: string, port: number): Obj {
  return {
    name,
    image: `${image}@${digest}`,
    ports: [{ containerPort: port, name: 'http' }],
    readinessProbe: { httpGet: { path: '/healthz', port } },
    securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
  };
}

export function deployment(ns: string, name: string, sa: string, image: string, port: number): Obj {
  return {
    ...meta('Deployment', 'apps/v1', name, ns, { labels: { app: name } }),
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { serviceAccountName: sa, automountServiceAccountToken: false, securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }, containers: [container(name, image, port)] },
      },
    },
  };
}

/** A running pod of a deployment, with its Istio sidecar (as injection leaves it). */
export function pod(ns: string, deploy: string, suffix: string, sa: string, image: string, port: number, ip: string, node: string): Obj {
  const app = container(deploy, image, port);
  return {
    ...meta('Pod', 'v1', `${deploy}-${suffix}`, ns, {
      labels: { app: deploy, 'security.istio.io/tlsMode': 'istio', 'service.istio.io/canonical-name': deploy },
      annotations: { 'sidecar.istio.io/status': '{"containers":["istio-proxy"]}' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${deploy}-7d9f8c6b5`, controller: true, uid: `rs-${deploy}` }],
    }),
    spec: {
      serviceAccountName: sa,
      nodeName: node,
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      initContainers: [{ name: 'istio-proxy', image: `docker.io/istio/proxyv2:1.27.1@${digest}`, restartPolicy: 'Always', securityContext: { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 1337, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } } }],
      containers: [app],
    },
    status: { phase: 'Running', podIP: ip },
  };
}

export function service(ns: string, name: string, port: number): Obj {
  return { ...meta('Service', 'v1', name, ns), spec: { selector: { app: name }, ports: [{ name: 'http', port, targetPort: port }] } };
}

export function defaultDeny(ns: string): Obj {
  return { ...meta('NetworkPolicy', 'networking.k8s.io/v1', 'default-deny', ns), spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
}

export function allowDns(ns: string): Obj {
  return {
    ...meta('NetworkPolicy', 'networking.k8s.io/v1', 'allow-dns', ns),
    spec: {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [
        {
          to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
          ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }],
        },
      ],
    },
  };
}

export function peerAuthentication(ns: string, mode: 'STRICT' | 'PERMISSIVE'): Obj {
  return { ...meta('PeerAuthentication', 'security.istio.io/v1', 'default', ns), spec: { mtls: { mode } } };
}

export function allowNothing(ns: string): Obj {
  return { ...meta('AuthorizationPolicy', 'security.istio.io/v1', 'allow-nothing', ns), spec: {} };
}

export function allowFrom(ns: string, name: string, app: string, principal: string): Obj {
  return {
    ...meta('AuthorizationPolicy', 'security.istio.io/v1', name, ns),
    spec: { selector: { matchLabels: { app } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: [principal] } }], to: [{ operation: { methods: ['GET', 'POST'] } }] }] },
  };
}

export function node(name: string): Obj {
  return { ...meta('Node', 'v1', name, undefined, { labels: { 'kubernetes.io/hostname': name } }), spec: {}, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
}
