import type { ZtvEvent } from '@ztv/events';

/* A deterministic cluster for the engine benchmark: namespaces of Deployments with ReplicaSets, Pods (sidecars,
 * securityContexts, IPs), ServiceAccounts, Services, NetworkPolicies, PeerAuthentications, AuthorizationPolicies. */

/** mulberry32: small, fast, seeded. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = () => number;
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
export const hex = (r: Rand, n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');

export interface PodInfo {
  ns: string;
  name: string;
  workload: string;
  sa: string;
  ip: string;
  rs: string;
  hash: string;
}
export interface World {
  namespaces: { name: string; meshed: boolean; workloads: string[] }[];
  pods: PodInfo[];
}

const apps = ['cart', 'checkout', 'catalog', 'payments', 'search', 'users', 'orders', 'notify', 'ledger', 'reviews'];
export const T0 = Date.parse('2026-03-14T09:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

let seq = 0;
export function resource(obj: Record<string, any>, op: 'upsert' | 'delete' = 'upsert', at = T0): ZtvEvent { // eslint-disable-line @typescript-eslint/no-explicit-any
  const md = obj.metadata;
  const rv = String(++seq);
  md.resourceVersion = rv;
  return {
    id: `kube-watch/${md.uid}/${rv}`,
    type: 'k8s.resource',
    cluster: 'bench',
    source: 'kube-watch',
    time: iso(at),
    observedAt: iso(at + 3),
    data: { op, apiVersion: obj.apiVersion, kind: obj.kind, ...(md.namespace ? { namespace: md.namespace } : {}), name: md.name, uid: md.uid, resourceVersion: rv, object: obj },
  };
}

/** A stable pseudo-random number per string, so a pod's spec is the same in every update of it. */
export function stable(s: string): Rand {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return prng(h >>> 0);
}

export function podObject(p: PodInfo, meshed: boolean, phase = 'Running', at = T0) {
  const r = stable(p.name);
  const labels = { app: p.workload, 'app.kubernetes.io/name': p.workload, 'pod-template-hash': p.hash, 'security.istio.io/tlsMode': 'istio' };
  const app = {
    name: p.workload,
    image: `ghcr.io/acme/${p.workload}@sha256:${hex(r, 64)}`,
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10 },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
  };
  const proxy = {
    name: 'istio-proxy',
    image: 'docker.io/istio/proxyv2:1.24.2',
    args: ['proxy', 'sidecar', '--domain', `${p.ns}.svc.cluster.local`],
    securityContext: { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsUser: 1337, capabilities: { drop: ['ALL'] } },
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: p.ns,
      uid: `pod-${p.ns}-${p.name}`,
      labels,
      annotations: meshed ? { 'sidecar.istio.io/status': '{"containers":["istio-proxy"]}', 'prometheus.io/scrape': 'true' } : {},
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: p.rs, uid: `rs-${p.ns}-${p.rs}`, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      serviceAccountName: p.sa,
      nodeName: `node-${Math.floor(r() * 60)}`,
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: meshed ? [app, proxy] : [app],
    },
    status: {
      phase,
      podIP: p.ip,
      podIPs: [{ ip: p.ip }],
      hostIP: `10.0.0.${Math.floor(r() * 250)}`,
      conditions: [{ type: 'Ready', status: phase === 'Running' ? 'True' : 'False', lastTransitionTime: new Date(at).toISOString() }],
      containerStatuses: [{ name: p.workload, ready: phase === 'Running', restartCount: 0, image: app.image, started: phase === 'Running' }],
    },
  };
}

function template(app: string, sa: string, image: string) {
  return {
    metadata: { labels: { app, 'app.kubernetes.io/name': app } },
    spec: {
      serviceAccountName: sa,
      automountServiceAccountToken: false,
      containers: [{ name: app, image, securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
    },
  };
}

/** An image pinned by digest, as the world's workloads run. */
export const pinnedImage = (r: Rand, app: string) => `ghcr.io/acme/${app}@sha256:${hex(r, 64)}`;

/** The Deployment of workload `app` in `ns` (the stream's rollouts send it again with another image). */
export function deploymentObject(ns: string, app: string, sa: string, image: string) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: app, namespace: ns, uid: `dep-${ns}-${app}`, labels: { app } },
    spec: { replicas: 5, selector: { matchLabels: { app } }, template: template(app, sa, image) },
  };
}

/** The whole state as k8s.resource events, and the world the event stream draws from. */
export function buildWorld(r: Rand, namespaces: number, podsPerNs: number, workloadsPerNs: number): { world: World; state: ZtvEvent[] } {
  const events: ZtvEvent[] = [];
  const world: World = { namespaces: [], pods: [] };
  const o = (obj: Record<string, unknown>) => events.push(resource(obj));
  o({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system', uid: 'ns-istio-system' } });
  o({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system', uid: 'pa-mesh' }, spec: { mtls: { mode: 'STRICT' } } });
  for (let n = 0; n < namespaces; n++) {
    const ns = `team-${n}`;
    const meshed = r() < 0.9;
    const names = Array.from({ length: workloadsPerNs }, (_, i) => `${apps[i % apps.length]}${i >= apps.length ? `-${i}` : ''}`);
    world.namespaces.push({ name: ns, meshed, workloads: names });
    o({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, uid: `ns-${ns}`, labels: { 'kubernetes.io/metadata.name': ns, team: `t${n % 40}`, ...(meshed ? { 'istio-injection': 'enabled' } : {}) } } });
    o({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: ns, uid: `sa-${ns}-default` } });
    o({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'default-deny', namespace: ns, uid: `np-${ns}-dd` }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } });
    o({
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'allow-dns', namespace: ns, uid: `np-${ns}-dns` },
      spec: { podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] },
    });
    if (meshed) {
      o({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: ns, uid: `pa-${ns}` }, spec: { mtls: { mode: r() < 0.95 ? 'STRICT' : 'PERMISSIVE' } } });
      o({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-nothing', namespace: ns, uid: `ap-${ns}` }, spec: {} });
    }
    for (const [i, app] of names.entries()) {
      const sa = r() < 0.97 ? app : 'default';
      const hash = hex(r, 9).replace(/[0-9]/g, (d) => 'bcdfghjkl'[Number(d)] ?? 'x');
      const rs = `${app}-${hash}`;
      o({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: app, namespace: ns, uid: `sa-${ns}-${app}` }, automountServiceAccountToken: false });
      o(deploymentObject(ns, app, sa, pinnedImage(r, app)));
      o({ apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: rs, namespace: ns, uid: `rs-${ns}-${rs}`, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: app, uid: `dep-${ns}-${app}`, controller: true }] }, spec: { replicas: 5, template: template(app, sa, pinnedImage(r, app)) } });
      o({ apiVersion: 'v1', kind: 'Service', metadata: { name: app, namespace: ns, uid: `svc-${ns}-${app}` }, spec: { selector: { app }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
      for (let k = i; k < podsPerNs; k += workloadsPerNs) {
        const p: PodInfo = { ns, name: `${rs}-${hex(r, 5)}`, workload: app, sa, ip: `10.${(n >> 8) + 64}.${n & 255}.${k + 2}`, rs, hash };
        world.pods.push(p);
        o(podObject(p, meshed));
      }
    }
  }
  // As a rule-worker gets them: from the resources topic, through JSON. (Objects built here hold strings made by
  // concatenation; V8 keeps those as ropes, and every map lookup that compares against one walks it.)
  return { world, state: events.map((e) => JSON.parse(JSON.stringify(e)) as ZtvEvent) };
}
