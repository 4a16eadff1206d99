import { safeParseZtvEventJson, ztvEvent, type ZtvEvent } from '@ztv/events';
import * as thisCheckout from '@ztv/rules';
import type { Rule, RuleEngine } from '@ztv/rules';
import { buildWorld, deploymentObject, hex, pick, pinnedImage, podObject, prng, resource, stable, T0, type PodInfo, type Rand, type World } from './engine-world';

/** What the rule-worker does with a record's JSON (services/rule-worker decodeEvent): fast path, zod when in doubt. */
export function validateEvent(json: unknown): ZtvEvent {
  const r = safeParseZtvEventJson(json);
  if (!r.success) throw r.error;
  return r.data;
}

/* The timed event stream: about 60% flows, 30% audit events, 8% resource changes, 2% certificates, as JSON strings. */

const iso = (ms: number) => new Date(ms).toISOString();
const uuid = (r: Rand) => `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;
const envelope = (r: Rand, type: ZtvEvent['type'], source: string, at: number, data: unknown) =>
  ({ id: `${source}/${uuid(r)}`, type, cluster: 'bench', source, time: iso(at), observedAt: iso(at + 40), data }) as ZtvEvent;

/*
 * Flows as the collector's parsers emit them (shared/formats: hubble/endpoint.ts, envoy/access-log.ts), not richer:
 * Hubble knows both pods, their labels (k8s: prefix dropped), ServiceAccount and Cilium identity, never an mTLS
 * principal; an inbound sidecar's access log knows the client only by address and the principal of its certificate
 * (namespace and ServiceAccount read from it), and its own pod from the collector's context.
 */
function hubbleEndpoint(p: PodInfo, port: number) {
  return {
    namespace: p.ns,
    pod: p.name,
    workload: p.workload,
    workloadKind: 'Deployment',
    serviceAccount: p.sa,
    labels: {
      app: p.workload,
      'app.kubernetes.io/name': p.workload,
      'io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name': p.ns,
      'io.cilium.k8s.policy.cluster': 'default',
      'io.cilium.k8s.policy.serviceaccount': p.sa,
      'io.kubernetes.pod.namespace': p.ns,
    },
    ip: p.ip,
    port,
    identity: 10_000 + (stable(`${p.ns}/${p.workload}`)() * 50_000) | 0,
  };
}

const spiffe = (p: PodInfo) => `spiffe://cluster.local/ns/${p.ns}/sa/${p.sa}`;

function flow(r: Rand, w: World, byNs: Map<string, number[]>, meshed: Set<string>, at: number): ZtvEvent {
  const src = pick(r, w.pods);
  // Mostly within the namespace (service to service), the rest across namespaces.
  const dst = r() < 0.7 ? (w.pods[pick(r, byNs.get(src.ns) ?? [0])] as PodInfo) : pick(r, w.pods);
  // An inbound sidecar reports only connections into a meshed pod; between meshed pods half the flows are its.
  const hubble = !(meshed.has(dst.ns) && meshed.has(src.ns)) || r() < 0.5;
  const denied = r() < 0.01;
  const metadata = r() < 0.0005;
  const http = r() < 0.4;
  const plaintext = !hubble && r() < 0.01;
  const ephemeral = 32768 + Math.floor(r() * 28000);
  const svc = `${dst.workload}.${dst.ns}.svc.cluster.local`;
  const l7 = http ? { l7: { type: 'http', method: pick(r, ['GET', 'GET', 'POST', 'PUT']), url: `/api/v1/items/${Math.floor(r() * 1e4)}`, code: 200 } } : {};
  // Denied: Cilium drops the packet for policy; an inbound sidecar's RBAC filter refuses the request.
  const verdict = (hubble || metadata) && denied ? { verdict: 'dropped', dropReason: 'POLICY_DENIED' } : denied ? { verdict: 'denied', dropReason: 'RBAC_ACCESS_DENIED' } : { verdict: 'forwarded' };
  if (hubble || metadata) {
    const destination = metadata ? { ip: '169.254.169.254', port: 80, identity: 2, reserved: ['reserved:world'] } : hubbleEndpoint(dst, 8080);
    return envelope(r, 'flow', 'hubble', at, {
      ...verdict,
      direction: 'egress',
      reporter: 'hubble',
      source: hubbleEndpoint(src, ephemeral),
      destination,
      protocol: http ? 'HTTP' : 'TCP',
      ...l7,
      mtls: { mode: 'unknown' },
      isReply: false,
      count: 1 + Math.floor(r() * 3),
    });
  }
  const client = plaintext ? { ip: src.ip, port: ephemeral } : { principal: spiffe(src), namespace: src.ns, serviceAccount: src.sa, ip: src.ip, port: ephemeral };
  return envelope(r, 'flow', 'envoy-access-log', at, {
    ...verdict,
    direction: 'ingress',
    reporter: 'sidecar-inbound',
    source: client,
    destination: { principal: spiffe(dst), namespace: dst.ns, pod: dst.name, ip: dst.ip, port: 8080, dnsNames: [svc] },
    protocol: http ? 'HTTP' : 'TCP',
    ...l7,
    mtls: plaintext
      ? { mode: 'none' }
      : { mode: 'mutual', peerPrincipal: spiffe(src), tlsVersion: 'TLSv1.3', sni: `outbound_.8080_._.${svc}` },
    count: 1,
  });
}

const readers = ['system:serviceaccount:kube-system:replicaset-controller', 'system:kube-scheduler', 'system:node:node-12', 'system:serviceaccount:argocd:argocd-application-controller'];

function audit(r: Rand, w: World, at: number): ZtvEvent {
  const p = pick(r, w.pods);
  const x = r();
  let verb = pick(r, ['get', 'list', 'watch', 'get']);
  let resource = pick(r, ['pods', 'configmaps', 'secrets', 'endpoints', 'deployments']);
  let sub: string | undefined;
  let user = pick(r, readers);
  let responseObject: Record<string, unknown> | undefined;
  if (x < 0.015) [verb, resource, sub, user] = ['create', 'pods', 'exec', 'oidc:alice@acme.example'];
  else if (x < 0.02) {
    [verb, resource, user] = ['patch', 'peerauthentications', 'oidc:bob@acme.example'];
    responseObject = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: p.ns }, spec: { mtls: { mode: r() < 0.5 ? 'PERMISSIVE' : 'STRICT' } } };
  } else if (x < 0.022) [verb, resource, user] = ['delete', 'networkpolicies', 'system:serviceaccount:argocd:argocd-application-controller'];
  else if (x < 0.12) [verb, resource] = ['patch', 'pods'];
  const name = resource === 'pods' ? p.name : resource === 'networkpolicies' ? 'default-deny' : resource === 'peerauthentications' ? 'default' : p.workload;
  const received = at - 12;
  return envelope(r, 'k8s.audit', 'audit-webhook', at, {
    auditID: uuid(r),
    level: responseObject ? 'RequestResponse' : 'Metadata',
    stage: 'ResponseComplete',
    verb,
    requestURI: `/api/v1/namespaces/${p.ns}/${resource}/${name}${sub ? `/${sub}?command=sh&container=${p.workload}&stdin=true&tty=true` : ''}`,
    user: { username: user, groups: user.startsWith('oidc:') ? ['oidc:platform-admins', 'system:authenticated'] : ['system:serviceaccounts', 'system:authenticated'] },
    sourceIPs: [`10.0.${Math.floor(r() * 4)}.${Math.floor(r() * 250)}`],
    userAgent: user.startsWith('oidc:') ? 'kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46' : 'kube-controller-manager/v1.31.2',
    objectRef: { resource, namespace: p.ns, name, apiVersion: 'v1', ...(sub ? { subresource: sub } : {}) },
    responseStatus: { metadata: {}, code: sub ? 101 : 200 },
    ...(responseObject ? { responseObject } : {}),
    requestReceivedTimestamp: iso(received),
    stageTimestamp: iso(at),
    annotations: { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': 'RBAC: allowed by ClusterRoleBinding' },
  });
}

function cert(r: Rand, w: World, at: number): ZtvEvent {
  const p = pick(r, w.pods);
  const issued = at - Math.floor(r() * 12 * 3600_000);
  return envelope(r, 'cert', 'envoy-certs', at, {
    fingerprintSha256: hex(r, 64),
    serialNumber: hex(r, 32),
    issuer: 'O=cluster.local',
    notBefore: iso(issued),
    notAfter: iso(issued + 24 * 3600_000),
    isCA: false,
    role: 'workload',
    spiffeIds: [`spiffe://cluster.local/ns/${p.ns}/sa/${p.sa}`],
    dnsNames: [],
    origin: { kind: 'envoy-certs', namespace: p.ns, pod: p.name },
  });
}

/** Replacement pods whose predecessors were deleted, created by a later change (as a ReplicaSet does). */
const pending: PodInfo[] = [];

/** Pod churn and status updates, Deployment rollouts and the odd policy edit; applied to `world` as they happen. */
function change(r: Rand, w: World, meshed: Set<string>, at: number): ZtvEvent {
  const i = Math.floor(r() * w.pods.length);
  const p = w.pods[i] as PodInfo;
  const x = r();
  if (x < 0.3) {
    const fresh = { ...p, name: `${p.rs}-${hex(r, 5)}` };
    w.pods[i] = fresh;
    pending.push(fresh);
    return resource(podObject(p, meshed.has(p.ns)), 'delete', at);
  }
  const next = x < 0.6 ? pending.shift() : undefined;
  if (next) return resource(podObject(next, meshed.has(next.ns), 'Pending', at), 'upsert', at);
  if (x < 0.9) return resource(podObject(p, meshed.has(p.ns), 'Running', at), 'upsert', at); // a status update
  if (x < 0.97) {
    // A rollout: the same Deployment with another image (now and then a mutable tag).
    const image = r() < 0.9 ? pinnedImage(r, p.workload) : `ghcr.io/acme/${p.workload}:latest`;
    return resource(deploymentObject(p.ns, p.workload, p.sa, image), 'upsert', at);
  }
  return resource({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `allow-${p.workload}`, namespace: p.ns, uid: `np-${p.ns}-${p.workload}` }, spec: { podSelector: { matchLabels: { app: p.workload } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'gateway' } } }], ports: [{ port: 8080, protocol: 'TCP' }] }] } }, 'upsert', at);
}

/** `count` events as JSON strings, 2 ms apart, starting after the state was built. */
export function buildStream(r: Rand, w: World, count: number): { lines: string[]; mix: Record<string, number> } {
  const meshed = new Set(w.namespaces.filter((n) => n.meshed).map((n) => n.name));
  const byNs = new Map<string, number[]>();
  w.pods.forEach((p, i) => byNs.set(p.ns, [...(byNs.get(p.ns) ?? []), i]));
  const lines: string[] = [];
  const mix: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const at = T0 + 60_000 + i * 2;
    const x = r();
    const e = x < 0.6 ? flow(r, w, byNs, meshed, at) : x < 0.9 ? audit(r, w, at) : x < 0.98 ? change(r, w, meshed, at) : cert(r, w, at);
    mix[e.type] = (mix[e.type] ?? 0) + 1;
    // As the collector puts it on the topic: shared/formats' emit validates every event with zod and sends zod's output,
    // whose keys are in schema order (the rule-worker's fast path then returns the parsed object as it is, no copy).
    lines.push(JSON.stringify(ztvEvent.parse(e)));
  }
  return { lines, mix };
}

/** bench:engine's cluster: 500 namespaces of 8 workloads and 40 Pods each (20,000 Pods). */
export const BENCH_CLUSTER = { namespaces: 500, podsPerNamespace: 40, workloadsPerNamespace: 8 } as const;

/**
 * bench:engine's input from its one seed — the world, its state as k8s.resource events, and `events` stream lines — so
 * that every engine script (bench, A/B, profiles) measures the same events over the same state.
 */
export function benchInput(events: number): { world: World; state: ZtvEvent[]; lines: string[]; mix: Record<string, number> } {
  const rand = prng(0x2e7a11);
  const { world, state } = buildWorld(rand, BENCH_CLUSTER.namespaces, BENCH_CLUSTER.podsPerNamespace, BENCH_CLUSTER.workloadsPerNamespace);
  return { world, state, ...buildStream(rand, world, events) };
}

/** The engines' clock: a minute after the world's objects were written, as the stream's first event. */
const benchNow = new Date(T0 + 60_000);

/**
 * A rule engine as a rule-worker starts one: the default config, `state` loaded and every rule evaluated once. `lib` is
 * the @ztv/rules it is built from (bench:engine:ab passes another revision's), `rules` its baseline pack unless given.
 * Returns it with the number of findings that first evaluation opened.
 */
export function loadedEngine(state: ZtvEvent[], lib: typeof thisCheckout = thisCheckout, rules: Rule[] = lib.baselineRules): { engine: RuleEngine; findings: number } {
  const engine = new lib.RuleEngine({ rules, config: lib.defaultRulesConfig(), cluster: 'bench', clock: () => benchNow });
  for (const e of state) engine.load(e);
  const findings = engine.evaluateAll({ id: 'bench-start', type: 'tick', time: benchNow.toISOString() }).signals.length;
  return { engine, findings };
}
