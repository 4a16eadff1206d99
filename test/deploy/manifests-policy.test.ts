import { describe, expect, it } from 'vitest';
import { envSchema, loadEnv } from '@ztv/config';
import { loadRoutingConfig } from '../../services/alerter/src/alerting-config';
import { watchedKinds } from '../../services/collector/src/sources/kube/kinds';
import { loadRulesConfig } from '../../services/rule-worker/src/rules-config';
import type { KObject } from './kustomize';
import { podTemplate, renderAll, type Container, type PodSpec } from './render';

const variants = await renderAll();
const each = variants.map((v) => [v.name, v.objects] as const);

const workloads = (objects: KObject[]) =>
  objects.flatMap((o) => {
    const t = podTemplate(o);
    return t ? [{ o, component: t.labels['app.kubernetes.io/component']!, ...t }] : [];
  });
const containers = (spec: PodSpec): Container[] => [...(spec.initContainers ?? []), ...spec.containers];
/** Services that call the Kubernetes API; everyone else runs without a token. */
const apiClients = new Set(['collector', 'remediator']);

describe.each(each)('%s', (_name, objects) => {
  it('puts everything in the ztv namespace, which enforces Pod Security "restricted"', () => {
    const ns = new Map(objects.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, o]));
    expect(ns.get('ztv')!.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted', 'pod-security.kubernetes.io/warn': 'restricted', 'pod-security.kubernetes.io/audit': 'restricted' });
    // The one exception: the optional clock probe's own namespace (host network, see its component), nothing else in it.
    expect([...ns.keys()].filter((n) => n !== 'ztv')).toEqual(objects.some((o) => o.kind === 'DaemonSet') ? ['ztv-node'] : []);
    for (const o of objects) {
      if (['Namespace', 'ClusterRole', 'ClusterRoleBinding'].includes(o.kind)) continue;
      const expected = o.metadata.name === 'ztv-clock-probe' ? 'ztv-node' : 'ztv';
      expect(o.metadata.namespace, `${o.kind}/${o.metadata.name}`).toBe(expected);
    }
  });

  it('runs every pod non-root, read-only, without privileges, with a dedicated ServiceAccount', () => {
    const accounts = new Map(objects.filter((o) => o.kind === 'ServiceAccount').map((o) => [o.metadata.name, o as KObject & { automountServiceAccountToken?: boolean }]));
    for (const { o, component, spec } of workloads(objects)) {
      const what = `${o.kind}/${o.metadata.name}`;
      expect(spec.serviceAccountName, what).toBe(`ztv-${component}`);
      expect(accounts.get(spec.serviceAccountName!)?.automountServiceAccountToken, what).toBe(false);
      expect(spec.automountServiceAccountToken, what).toBe(apiClients.has(component));
      expect(spec.securityContext, what).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(spec.securityContext!.runAsUser, what).toBeGreaterThan(0);
      expect([spec.hostPID, spec.hostIPC].filter(Boolean), what).toEqual([]);
      // Only the clock probe shares the node's network (chronyc → chronyd on 127.0.0.1), and says why.
      expect(Boolean(spec.hostNetwork), what).toBe(component === 'clock-probe');
      expect(spec.volumes?.find((v) => v.name === 'tmp')?.emptyDir, `${what}: a writable /tmp`).toBeDefined();
      for (const c of containers(spec)) {
        expect(c.securityContext, `${what} ${c.name}`).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, privileged: false, capabilities: { drop: ['ALL'] } });
        expect(c.image, `${what} ${c.name}`).toMatch(/^registry\.example\.com\/ztv\/ztv(-clock-probe)?@sha256:[0-9a-f]{64}$/);
        expect(c.args?.[0], `${what}: the first argument picks the service`).toBe(component);
        expect(c.resources?.requests, what).toEqual({ cpu: expect.any(String), memory: expect.any(String) });
        expect(c.resources?.limits?.memory, what).toEqual(expect.any(String));
        expect(c.volumeMounts?.find((m) => m.mountPath === '/tmp'), what).toBeDefined();
      }
    }
  });

  it('probes every Deployment and gives each a PodDisruptionBudget', () => {
    const pdbs = objects.filter((o) => o.kind === 'PodDisruptionBudget').map((o) => o.spec as { selector: { matchLabels: Record<string, string> }; maxUnavailable?: number });
    // The Job runs to completion; the clock probe has no ops endpoint yet (its liveness is its process).
    for (const { o, labels, spec } of workloads(objects).filter((w) => w.o.kind === 'Deployment')) {
      for (const c of spec.containers) {
        expect(c.livenessProbe, o.metadata.name).toBeDefined();
        expect(c.readinessProbe, o.metadata.name).toBeDefined();
        expect(c.ports?.find((p) => p.name === 'metrics')?.containerPort, o.metadata.name).toBe(9464);
      }
      const covering = pdbs.filter((p) => Object.entries(p.selector.matchLabels).every(([k, v]) => labels[k] === v));
      expect(covering, o.metadata.name).toHaveLength(1);
      expect(covering[0]!.maxUnavailable).toBe(1);
    }
  });

  it('references secrets and never inlines them', () => {
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    const secretish = /TOKEN|PASSWORD|SECRET|DATABASE_URL|REDIS_URL|KEY$/;
    for (const { o, spec } of workloads(objects)) {
      for (const c of containers(spec)) {
        for (const e of c.env ?? []) {
          if (e.valueFrom?.secretKeyRef) expect(e.valueFrom.secretKeyRef.name).toBe('ztv-secrets');
          else if (secretish.test(e.name) && !e.name.endsWith('_FILE')) throw new Error(`${o.metadata.name}: ${e.name} is inlined`);
        }
      }
      for (const v of spec.volumes ?? []) if (v.secret) expect(['ztv-collector-tls', 'ztv-notify', 'ztv-clock-probe']).toContain(v.secret.secretName);
    }
  });

  it('configures only variables @ztv/config knows, and a config file the services accept', () => {
    const env = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'ztv-env')!.data as Record<string, string>;
    const known = new Set(Object.keys(envSchema.shape));
    expect(Object.keys(env).filter((k) => !known.has(k))).toEqual([]);
    expect(envSchema.safeParse(env).success).toBe(true);
    for (const { spec } of workloads(objects)) for (const c of containers(spec)) expect((c.env ?? []).map((e) => e.name).filter((k) => !known.has(k))).toEqual([]);
    // The services' own loaders read the mounted file: the alerter its routing, the rule-worker its thresholds.
    const file = (objects.find((o) => o.metadata.name === 'ztv-config')!.data as Record<string, string>)['ztv.yaml']!;
    const routing = loadRoutingConfig(env.ZTV_CONFIG_FILE, () => file);
    expect([...routing!.receivers.keys()].sort()).toEqual(['pagerduty-oncall', 'slack-security']);
    expect(loadRulesConfig(loadEnv(env), () => file).policyAdmins).toEqual(['system:serviceaccount:argocd:argocd-application-controller']);
  });

  it('grants the Kubernetes API to the collector (read-only) and the remediator only', () => {
    type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };
    const roles = objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role');
    const bindings = objects.filter((o) => o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding') as (KObject & { roleRef: { name: string }; subjects: { kind: string; name: string; namespace: string }[] })[];
    expect(roles.map((r) => r.metadata.name).sort()).toEqual(['ztv-collector', 'ztv-remediator']);
    expect(bindings.map((b) => `${b.roleRef.name} → ${b.subjects.map((s) => `${s.kind}:${s.namespace}/${s.name}`).join(',')}`).sort()).toEqual([
      'ztv-collector → ServiceAccount:ztv/ztv-collector',
      'ztv-remediator → ServiceAccount:ztv/ztv-remediator',
    ]);
    const rulesOf = (name: string) => (roles.find((r) => r.metadata.name === name)!.rules as Rule[]).flatMap((r) => r.resources.map((res) => ({ ...r, res: `${r.apiGroups[0] || 'core'}/${res}` })));
    const collector = rulesOf('ztv-collector');
    expect(new Set(collector.flatMap((r) => r.verbs))).toEqual(new Set(['get', 'list', 'watch']));
    // Exactly the kinds the collector's watchers list and watch (Lease included: it is opt-in, COLLECTOR_KUBE_KINDS).
    expect(collector.map((r) => r.res).sort()).toEqual(watchedKinds.map((w) => `${w.group || 'core'}/${w.plural}`).sort());
    const remediator = rulesOf('ztv-remediator');
    for (const r of [...collector, ...remediator]) {
      expect(r.apiGroups.length, 'one API group per rule').toBe(1);
      expect([...r.apiGroups, ...r.resources, ...r.verbs]).not.toContain('*');
      expect(r.verbs.filter((v) => ['delete', 'deletecollection', 'escalate', 'bind', 'impersonate'].includes(v))).toEqual([]);
    }
    expect(remediator.map((r) => r.res)).not.toContain('core/secrets');
  });

  it('isolates the namespace: default deny, DNS, and only port-scoped flows to named peers', () => {
    type Peer = { ipBlock?: { cidr: string; except?: string[] }; namespaceSelector?: unknown; podSelector?: unknown };
    type Flow = { ports?: { port: number; protocol: string }[]; from?: Peer[]; to?: Peer[] };
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => ({ name: o.metadata.name, spec: o.spec as { podSelector: object; policyTypes: string[]; ingress?: Flow[]; egress?: Flow[] } }));
    const deny = policies.find((p) => p.name === 'default-deny')!;
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    const dns = policies.find((p) => p.name === 'allow-dns-egress')!;
    expect(dns.spec.egress?.[0]?.ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    for (const p of policies) {
      for (const flow of [...(p.spec.ingress ?? []), ...(p.spec.egress ?? [])]) {
        expect(flow.ports?.length, `${p.name}: every flow names its ports`).toBeGreaterThan(0);
        const peers = flow.from ?? flow.to ?? [];
        expect(peers.length, `${p.name}: every flow names its peers`).toBeGreaterThan(0);
        for (const peer of peers) if (peer.ipBlock?.cidr === '0.0.0.0/0') expect(peer.ipBlock.except, p.name).toEqual(expect.arrayContaining(['10.0.0.0/8', '169.254.0.0/16']));
      }
    }
  });

  it('exposes every ops port through one ServiceMonitor-compatible metrics Service', () => {
    const svc = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'ztv-metrics')!;
    const spec = svc.spec as { selector: Record<string, string>; ports: { name: string; targetPort: string }[] };
    expect(spec.ports).toEqual([expect.objectContaining({ name: 'metrics', port: 9464, targetPort: 'metrics' })]);
    const scraped = workloads(objects).filter((w) => Object.entries(spec.selector).every(([k, v]) => w.labels[k] === v));
    expect(scraped.map((w) => w.component).sort()).toEqual(workloads(objects).filter((w) => w.o.kind === 'Deployment').map((w) => w.component).sort());
  });
});
