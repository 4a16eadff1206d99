/* eslint-disable @typescript-eslint/no-explicit-any */
import type { ZtvEvent } from '@ztv/events';
import type { KubeObject } from '../state/kube-object';
import { event, resourceEvent } from '../testing';

/*
 * Test support (imported by *.test.ts only): a small cluster under random churn — namespaces whose mesh labels flip,
 * workloads with and without sidecars, controlled and uncontrolled pods, ReplicaSets that come and go, policies of
 * every kind rewritten — plus flows, audit events, certificates and clock readings about it. Deterministic per seed.
 */

type Rand = () => number;

/** mulberry32. */
function prng(seed: number): Rand {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = Date.parse('2026-03-14T09:00:00Z');
const APPS = ['web', 'api', 'db'];
const ROOT = 'istio-system';

interface Churn {
  r: Rand;
  objects: Map<string, KubeObject>;
  namespaces: string[];
  seq: number;
}

const keyOf = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
const chance = (r: Rand, p: number) => r() < p;

function nsObject(c: Churn, ns: string): KubeObject {
  const labels: Record<string, string> = pick<Record<string, string>>(c.r, [{}, { 'istio-injection': 'enabled' }, { 'istio-injection': 'enabled' }, { 'istio-injection': 'disabled' }, { 'istio.io/rev': 'canary' }, { 'istio.io/dataplane-mode': 'ambient' }]);
  const annotations = chance(c.r, 0.1) ? { 'ztv.io/ignore': pick(c.r, ['*', 'sidecar-missing', 'mtls-not-strict']), 'ztv.io/ignore-reason': 'lab' } : undefined;
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { ...labels, team: pick(c.r, ['a', 'b']) }, ...(annotations ? { annotations } : {}) } };
}

function peerAuthn(c: Churn, ns: string): KubeObject {
  const mode = pick(c.r, ['STRICT', 'STRICT', 'PERMISSIVE', 'DISABLE', 'UNSET']);
  const workload = ns !== ROOT && chance(c.r, 0.4);
  const app = pick(c.r, APPS);
  return {
    apiVersion: 'security.istio.io/v1',
    kind: 'PeerAuthentication',
    metadata: { name: workload ? `pa-${app}` : 'default', namespace: ns },
    spec: {
      ...(workload ? { selector: { matchLabels: { app } } } : {}),
      mtls: { mode },
      ...(workload && chance(c.r, 0.5) ? { portLevelMtls: { 8080: { mode: pick(c.r, ['STRICT', 'PERMISSIVE', 'DISABLE']) } } } : {}),
    },
  };
}

function authzPolicy(c: Churn, ns: string): KubeObject {
  const shape = pick(c.r, ['allow-nothing', 'allow-all', 'selector', 'deny-all', 'principals']);
  const app = pick(c.r, APPS);
  const other = pick(c.r, c.namespaces);
  const spec: Record<string, unknown> =
    shape === 'allow-nothing'
      ? {}
      : shape === 'allow-all'
        ? { rules: [{}] }
        : shape === 'selector'
          ? { selector: { matchLabels: { app } }, rules: [{ from: [{ source: { principals: [`cluster.local/ns/${ns}/sa/${app}`] } }] }] }
          : shape === 'deny-all'
            ? { action: 'DENY', rules: [{}] }
            : { action: pick(c.r, ['ALLOW', 'DENY']), rules: [{ from: [{ source: { principals: [pick(c.r, [`cluster.local/ns/${other}/sa/${app}`, `cluster.local/ns/${other}/sa/ghost`, 'default/sleep', 'other.td/ns/x/sa/y'])] } }] }] };
  return { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: shape === 'allow-nothing' ? 'allow-nothing' : `ap-${shape}`, namespace: ns }, spec };
}

function networkPolicy(c: Churn, ns: string): KubeObject {
  const shape = pick(c.r, ['default-deny', 'default-deny', 'deny-egress', 'dns-both', 'dns-udp', 'app-dns', 'allow-all', 'metadata']);
  const app = pick(c.r, APPS);
  const dns = (protocols: string[]) => [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: protocols.map((protocol) => ({ protocol, port: 53 })) }];
  const spec: Record<string, unknown> = {
    'default-deny': { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
    'deny-egress': { podSelector: {}, policyTypes: ['Egress'] },
    'dns-both': { podSelector: {}, policyTypes: ['Egress'], egress: dns(['UDP', 'TCP']) },
    'dns-udp': { podSelector: {}, policyTypes: ['Egress'], egress: dns(['UDP']) },
    'app-dns': { podSelector: { matchLabels: { app } }, policyTypes: ['Egress'], egress: dns(['UDP', 'TCP']) },
    'allow-all': { podSelector: {}, ingress: [{}] },
    metadata: { podSelector: { matchLabels: { app } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] },
  }[shape] as Record<string, unknown>;
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `np-${shape}`, namespace: ns }, spec };
}

function template(c: Churn, app: string) {
  const sa = pick(c.r, [app, app, 'default', 'shared']);
  const rewriteOff = chance(c.r, 0.2);
  return {
    metadata: {
      labels: { app, ...(chance(c.r, 0.15) ? { 'sidecar.istio.io/inject': pick(c.r, ['true', 'false']) } : {}) },
      ...(rewriteOff ? { annotations: { 'sidecar.istio.io/rewriteAppHTTPProbers': 'false' } } : {}),
    },
    spec: {
      serviceAccountName: sa,
      ...(chance(c.r, 0.05) ? { hostNetwork: true } : {}),
      containers: [
        {
          name: app,
          image: chance(c.r, 0.8) ? `ghcr.io/acme/${app}@sha256:${'a'.repeat(64)}` : `ghcr.io/acme/${app}:latest`,
          ports: [{ name: 'http', containerPort: 8080 }],
          ...(chance(c.r, 0.6) ? { readinessProbe: { httpGet: { path: '/healthz', port: pick(c.r, [8080, 'http', 15021]) } } } : {}),
          securityContext: chance(c.r, 0.8) ? { capabilities: { drop: ['ALL'] } } : { privileged: chance(c.r, 0.3) },
        },
      ],
    },
  };
}

function deployment(c: Churn, ns: string, app: string): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: app, namespace: ns, labels: { app } }, spec: { replicas: 2, selector: { matchLabels: { app } }, template: template(c, app) } };
}

function replicaSet(dep: KubeObject, hash: string, replicas: number): KubeObject {
  const ns = dep.metadata.namespace as string;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name: `${dep.metadata.name}-${hash}`, namespace: ns, labels: { ...(dep.spec?.template.metadata.labels ?? {}), 'pod-template-hash': hash }, ownerReferences: [{ kind: 'Deployment', name: dep.metadata.name, controller: true }] },
    spec: { replicas, template: structuredClone(dep.spec?.template) },
  };
}

let podSeq = 0;

/** A pod of `owner`'s template (or a bare one), as the injector would leave it when `sidecar` is set. */
function pod(c: Churn, ns: string, owner: KubeObject | undefined, app: string): KubeObject {
  const t = owner?.spec?.template ?? template(c, app);
  const hash = owner?.metadata.labels?.['pod-template-hash'] as string | undefined;
  const sidecar = chance(c.r, 0.6);
  const gateway = !owner && ns === ROOT && chance(c.r, 0.5);
  const spec = structuredClone(t.spec);
  if (sidecar) spec.containers.push({ name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.24.2', args: ['proxy', gateway ? 'router' : 'sidecar'] });
  const annotations: Record<string, string> = { ...(t.metadata?.annotations ?? {}) };
  if (sidecar && chance(c.r, 0.7)) annotations['sidecar.istio.io/status'] = '{"containers":["istio-proxy"]}';
  if (!sidecar && chance(c.r, 0.1)) annotations['ambient.istio.io/redirection'] = 'enabled';
  const name = `${owner ? owner.metadata.name : app}-${(++podSeq).toString(36)}`;
  const ip = `10.1.${Math.floor(c.r() * 4)}.${Math.floor(c.r() * 30)}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      labels: { ...(t.metadata?.labels ?? {}), ...(hash ? { 'pod-template-hash': hash } : {}), ...(gateway ? { 'istio.io/gateway-name': 'gw' } : {}) },
      annotations,
      ...(owner ? { ownerReferences: [{ kind: owner.kind, name: owner.metadata.name, controller: true }] } : {}),
    },
    spec: { ...spec, nodeName: pick(c.r, ['node-1', 'node-2']) },
    status: { phase: pick(c.r, ['Running', 'Running', 'Running', 'Pending', 'Succeeded']), podIP: ip, podIPs: [{ ip }] },
  };
}

function statefulSet(c: Churn, ns: string): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'store', namespace: ns },
    spec: { replicas: pick(c.r, [1, 3]), serviceName: 'store', template: { metadata: { labels: { app: 'store' } }, spec: { serviceAccountName: pick(c.r, ['default', 'web', 'store']), containers: [{ name: 'store', image: 'ghcr.io/acme/store:1' }] } } },
  };
}

function service(c: Churn, ns: string): KubeObject {
  const app = pick(c.r, APPS);
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: app, namespace: ns },
    spec: { ...(chance(c.r, 0.5) ? { clusterIP: 'None' } : {}), selector: { app }, ports: [{ name: pick(c.r, ['http', 'web', 'tcp-db']), port: 80, targetPort: 8080 }] },
  };
}

const serviceAccount = (ns: string, name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } });

function list(c: Churn, kind: string, ns?: string): KubeObject[] {
  return [...c.objects.values()].filter((o) => o.kind === kind && (ns === undefined || o.metadata.namespace === ns));
}

const at = (c: Churn) => new Date(T0 + c.seq * 1000).toISOString();

function upsert(c: Churn, o: KubeObject): ZtvEvent {
  c.objects.set(keyOf(o), o);
  return resourceEvent(o as never, 'upsert', at(c));
}

function remove(c: Churn, o: KubeObject): ZtvEvent {
  c.objects.delete(keyOf(o));
  return resourceEvent(o as never, 'delete', at(c));
}

/**
 * A copy of a live object whose status changed in what no rule reads (conditions, container statuses, replica counts)
 * and whose resourceVersion moved: the update the API server sends most. The state keeps its own object for it.
 */
function statusOnly(c: Churn, o: KubeObject): KubeObject {
  const copy = structuredClone(o);
  copy.metadata.resourceVersion = String(c.seq);
  const status: Record<string, unknown> = { ...(copy.status ?? {}) };
  if (o.kind === 'Pod') {
    status.conditions = [{ type: 'Ready', status: pick(c.r, ['True', 'False']), lastTransitionTime: at(c) }];
    status.containerStatuses = (copy.spec?.containers ?? []).map((k: any) => ({ name: k.name, ready: chance(c.r, 0.8), restartCount: c.seq % 5 }));
  } else status.observedGeneration = c.seq;
  copy.status = status;
  return copy;
}

/** A copy of a live object with one thing about it changed, as a controller or a person would. */
function mutate(c: Churn, o: KubeObject): KubeObject {
  if (chance(c.r, 0.3)) return statusOnly(c, o);
  const copy = structuredClone(o);
  const md = copy.metadata;
  const x = c.r();
  if (o.kind === 'Pod') {
    if (x < 0.4) (copy.status as any).phase = pick(c.r, ['Running', 'Pending', 'Succeeded', 'Failed']);
    else if (x < 0.55) md.labels = { ...md.labels, 'sidecar.istio.io/inject': pick(c.r, ['true', 'false']) };
    else if (x < 0.7) copy.spec!.containers = copy.spec!.containers.filter((k: any) => k.name !== 'istio-proxy');
    else if (x < 0.8) md.annotations = { ...md.annotations, 'sidecar.istio.io/status': '{}' };
    else if (x < 0.9) md.labels = { ...md.labels, app: pick(c.r, APPS) };
    else delete md.ownerReferences;
    return copy;
  }
  if (o.kind === 'Namespace') return nsObject(c, md.name);
  if (o.kind === 'ReplicaSet') (copy.spec as any).replicas = pick(c.r, [0, 1, 2]);
  else if (o.kind === 'Deployment') (copy.spec as any).template = template(c, md.name);
  else if (o.kind === 'StatefulSet') return statefulSet(c, md.namespace as string);
  else if (o.kind === 'Service') (copy.spec as any).ports = [{ name: pick(c.r, ['', 'http', 'web']), port: 80 }];
  else md.labels = { ...md.labels, touched: String(c.seq) };
  return copy;
}

function resourceChange(c: Churn): ZtvEvent {
  const ns = pick(c.r, c.namespaces);
  const x = c.r();
  const live = [...c.objects.values()];
  if (x < 0.25) {
    const pods = list(c, 'Pod');
    const o = pick(c.r, pods.length ? pods : live);
    return chance(c.r, 0.35) ? remove(c, o) : upsert(c, mutate(c, o));
  }
  if (x < 0.4) {
    const owners = [...list(c, 'ReplicaSet', ns), ...list(c, 'StatefulSet', ns)];
    const owner = chance(c.r, 0.8) ? pick(c.r, owners) : undefined;
    return upsert(c, pod(c, ns, owner, pick(c.r, APPS)));
  }
  if (x < 0.5) {
    const app = pick(c.r, APPS);
    const dep = c.objects.get(`Deployment/${ns}/${app}`);
    if (!dep || chance(c.r, 0.3)) return upsert(c, deployment(c, ns, app));
    return chance(c.r, 0.5) ? upsert(c, replicaSet(dep, (++podSeq).toString(36), 2)) : remove(c, dep);
  }
  if (x < 0.56) {
    const rs = list(c, 'ReplicaSet', ns);
    if (rs.length) return chance(c.r, 0.5) ? remove(c, pick(c.r, rs)) : upsert(c, mutate(c, pick(c.r, rs)));
  }
  if (x < 0.64) return upsert(c, nsObject(c, ns));
  if (x < 0.72) return upsert(c, peerAuthn(c, chance(c.r, 0.2) ? ROOT : ns));
  if (x < 0.8) return upsert(c, authzPolicy(c, chance(c.r, 0.15) ? ROOT : ns));
  if (x < 0.88) return upsert(c, networkPolicy(c, ns));
  if (x < 0.92) return upsert(c, chance(c.r, 0.7) ? statefulSet(c, ns) : service(c, ns));
  if (x < 0.95) return upsert(c, serviceAccount(ns, pick(c.r, [...APPS, 'shared', 'default'])));
  const removable = live.filter((o) => o.kind !== 'Namespace');
  return remove(c, pick(c.r, removable));
}

function endpoint(c: Churn, p: KubeObject | undefined, ipOnly: boolean) {
  if (!p) return { ip: pick(c.r, ['169.254.169.254', '8.8.8.8', '10.1.0.1']) };
  const md = p.metadata;
  const ip = (p.status as any)?.podIP as string;
  if (ipOnly) return { ip };
  const sa = (p.spec?.serviceAccountName as string) ?? 'default';
  return {
    namespace: md.namespace,
    pod: md.name,
    ...(chance(c.r, 0.5) ? { workload: md.labels?.app } : {}),
    ip,
    ...(chance(c.r, 0.5) ? { principal: `spiffe://cluster.local/ns/${md.namespace}/sa/${chance(c.r, 0.9) ? sa : 'intruder'}` } : {}),
  };
}

function flow(c: Churn): ZtvEvent {
  const pods = list(c, 'Pod');
  const src = chance(c.r, 0.9) ? pick(c.r, pods) : undefined;
  const dst = chance(c.r, 0.9) ? pick(c.r, pods) : undefined;
  const reporter = pick(c.r, ['hubble', 'sidecar-inbound', 'sidecar-outbound', 'ztunnel'] as const);
  const denied = chance(c.r, 0.3);
  const authDrop = reporter === 'hubble' && chance(c.r, 0.2);
  const mode = pick(c.r, ['mutual', 'none', 'tls', 'unknown'] as const);
  return event(
    'flow',
    {
      verdict: authDrop || denied ? 'dropped' : 'forwarded',
      ...(authDrop ? { dropReason: 'AUTH_REQUIRED' } : denied ? { dropReason: 'POLICY_DENIED' } : {}),
      direction: pick(c.r, ['ingress', 'egress'] as const),
      reporter,
      source: endpoint(c, src, chance(c.r, 0.3)),
      destination: { ...endpoint(c, dst, chance(c.r, 0.3)), port: 8080 },
      protocol: 'TCP',
      mtls: { mode, ...(mode === 'mutual' && src ? { peerPrincipal: `spiffe://cluster.local/ns/${src.metadata.namespace}/sa/${chance(c.r, 0.9) ? 'web' : 'x'}` } : {}), ...(reporter === 'hubble' && chance(c.r, 0.5) ? { authRequired: true } : {}) },
      ...(chance(c.r, 0.05) ? { isReply: true } : {}),
      count: 1 + Math.floor(c.r() * 20),
    },
    { time: at(c) },
  );
}

function audit(c: Churn): ZtvEvent {
  const ns = pick(c.r, c.namespaces);
  const kind = pick(c.r, ['exec', 'patch-pa', 'delete-np', 'get']);
  const resource = { exec: 'pods', 'patch-pa': 'peerauthentications', 'delete-np': 'networkpolicies', get: 'configmaps' }[kind] as string;
  const stage = pick(c.r, ['ResponseStarted', 'ResponseComplete'] as const);
  return event(
    'k8s.audit',
    {
      auditID: `a-${c.seq % 7}`,
      level: 'RequestResponse',
      stage,
      verb: kind === 'exec' ? 'create' : kind === 'patch-pa' ? 'patch' : kind === 'delete-np' ? 'delete' : 'get',
      requestURI: `/api/v1/namespaces/${ns}/${resource}/x${kind === 'exec' ? '/exec?command=sh' : ''}`,
      user: { username: pick(c.r, ['oidc:alice', 'system:serviceaccount:argocd:argocd-application-controller']) },
      objectRef: { resource, namespace: ns, name: 'x', ...(kind === 'exec' ? { subresource: 'exec' } : {}) },
      responseStatus: { code: kind === 'exec' ? 101 : 200 },
      ...(kind === 'patch-pa' ? { responseObject: { spec: { mtls: { mode: pick(c.r, ['PERMISSIVE', 'STRICT']) } } } } : {}),
    },
    { time: at(c) },
  );
}

function cert(c: Churn): ZtvEvent {
  const pods = list(c, 'Pod');
  const p = pods.length ? pick(c.r, pods) : undefined;
  const ns = p?.metadata.namespace ?? pick(c.r, c.namespaces);
  const issued = T0 + c.seq * 1000 - Math.floor(c.r() * 30) * 3600_000;
  const life = pick(c.r, [24, 24, 24 * 40]) * 3600_000;
  return event(
    'cert',
    {
      notBefore: new Date(issued).toISOString(),
      notAfter: new Date(issued + life).toISOString(),
      isCA: false,
      role: chance(c.r, 0.9) ? 'workload' : 'bundle',
      spiffeIds: [pick(c.r, [`spiffe://cluster.local/ns/${ns}/sa/web`, `spiffe://other.td/ns/${ns}/sa/web`, `spiffe://cluster.local/ns/${ns}/sa/api`])],
      dnsNames: [],
      origin: { kind: 'envoy-certs', namespace: ns, ...(p ? { pod: p.metadata.name } : {}), node: pick(c.r, ['node-1', 'node-2']) },
    },
    { time: at(c) },
  );
}

function clock(c: Churn): ZtvEvent {
  return event('clock', { node: pick(c.r, ['node-1', 'node-2']), offsetSeconds: pick(c.r, [0.01, 3]), synchronized: chance(c.r, 0.8), method: 'chrony' }, { time: at(c) });
}

/** The initial cluster (as upserts) and then `count` events of churn, every one as the collector would send it. */
export function churnStream(seed: number, namespaces: number, count: number): ZtvEvent[] {
  const c: Churn = { r: prng(seed), objects: new Map(), namespaces: Array.from({ length: namespaces }, (_, i) => `ns-${i}`), seq: 0 };
  const out: ZtvEvent[] = [];
  const add = (e: ZtvEvent) => {
    c.seq++;
    out.push(e);
  };
  add(upsert(c, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ROOT } }));
  add(upsert(c, peerAuthn(c, ROOT)));
  add(upsert(c, pod(c, ROOT, undefined, 'gateway')));
  for (const ns of c.namespaces) {
    add(upsert(c, nsObject(c, ns)));
    for (const app of APPS) {
      add(upsert(c, serviceAccount(ns, app)));
      if (chance(c.r, 0.8)) {
        const dep = deployment(c, ns, app);
        add(upsert(c, dep));
        const rs = replicaSet(dep, (++podSeq).toString(36), 2);
        if (chance(c.r, 0.8)) add(upsert(c, rs));
        add(upsert(c, pod(c, ns, rs, app)));
        add(upsert(c, pod(c, ns, rs, app)));
      } else add(upsert(c, pod(c, ns, undefined, app)));
    }
    if (chance(c.r, 0.7)) add(upsert(c, networkPolicy(c, ns)));
    if (chance(c.r, 0.5)) add(upsert(c, peerAuthn(c, ns)));
    if (chance(c.r, 0.5)) add(upsert(c, authzPolicy(c, ns)));
  }
  for (let i = 0; i < count; i++) {
    const x = c.r();
    add(x < 0.45 ? resourceChange(c) : x < 0.7 ? flow(c) : x < 0.8 ? audit(c) : x < 0.95 ? cert(c) : clock(c));
  }
  return out;
}
