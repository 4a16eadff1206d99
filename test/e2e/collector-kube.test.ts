import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import type { ResourceEvent } from '@ztv/events';
import { startTestCollector, type TestCollector } from '../../services/collector/src/test-support';
import { startK8sEmulator, type K8sEmulator, type KubeObject } from '../support/k8s-emulator';
import { topicRecordCount } from '../support/kafka-lag';

const netpol = (namespace: string, name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace, labels },
  spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
});
const peerAuth = (namespace: string, name: string, mode: string): KubeObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name, namespace },
  spec: { mtls: { mode } },
});

describe('e2e: Kubernetes watchers → ztv.resources.v1 (real Kafka)', () => {
  const brokers = inject('kafkaBrokers');
  let emu: K8sEmulator;
  let c: TestCollector;

  beforeAll(async () => {
    emu = await startK8sEmulator({ bookmarkIntervalMs: 200, absentGroups: ['cilium.io'] });
    emu.seed([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments' } }, netpol('payments', 'default-deny'), peerAuth('istio-system', 'default', 'STRICT')]);
    c = await startTestCollector(
      { COLLECTOR_KUBE_WATCH_ENABLED: 'true', KUBECONFIG: emu.kubeconfigPath, COLLECTOR_KUBE_KINDS: 'Namespace,NetworkPolicy,PeerAuthentication,CiliumNetworkPolicy' },
      { kafkaBrokers: brokers },
    );
  });
  afterAll(async () => {
    await c?.stop();
    await emu?.close();
  });

  const resources = () => c.values<ResourceEvent>(c.topics.resources);
  const latest = () => {
    const state = new Map<string, ResourceEvent>();
    for (const e of resources()) state.set(`${e.data.kind}/${e.data.namespace ?? ''}/${e.data.name}`, e);
    return [...state.entries()].filter(([, e]) => e.data.op === 'upsert').map(([k, e]) => `${k}@${e.data.resourceVersion}`).sort();
  };
  const inEmulator = () =>
    [
      ...emu.list('v1', 'Namespace').map((o) => `Namespace//${o.metadata.name}@${o.metadata.resourceVersion}`),
      ...emu.list('networking.k8s.io/v1', 'NetworkPolicy').map((o) => `NetworkPolicy/${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`),
      ...emu.list('security.istio.io/v1', 'PeerAuthentication').map((o) => `PeerAuthentication/${o.metadata.namespace}/${o.metadata.name}@${o.metadata.resourceVersion}`),
    ].sort();

  it('watch events from the API land in the compacted topic, keyed per object; mesh-wide policy also in the global table', async () => {
    await vi.waitFor(() => expect(latest()).toEqual(inEmulator()), { timeout: 30_000 });
    emu.seed([netpol('payments', 'allow-dns'), peerAuth('payments', 'permissive', 'PERMISSIVE')]);
    emu.remove('networking.k8s.io/v1', 'NetworkPolicy', 'payments', 'default-deny');
    await vi.waitFor(() => expect(latest()).toEqual(inEmulator()), { timeout: 30_000 });
    const keys = c.records(c.topics.resources).map((r) => r.key);
    expect(keys).toContain('unit/payments/NetworkPolicy/default-deny');
    await vi.waitFor(() => expect(c.values<ResourceEvent>(c.topics.global).map((e) => `${e.data.namespace}/${e.data.name}`)).toContain('istio-system/default'), { timeout: 30_000 });
  });

  it('a relist after 410 Gone loses nothing and repeats nothing', async () => {
    await vi.waitFor(() => expect(latest()).toEqual(inEmulator()), { timeout: 30_000 });
    const before = await topicRecordCount(brokers, c.topics.resources);
    emu.expireWatches();
    // Changed while the watch was gone: only the relist can tell.
    emu.seed([netpol('payments', 'allow-dns', { v: '2' }), netpol('payments', 'after-410')]);
    emu.remove('security.istio.io/v1', 'PeerAuthentication', 'payments', 'permissive');
    await vi.waitFor(() => expect(latest()).toEqual(inEmulator()), { timeout: 30_000 });
    // Exactly the three changes were published: an update, an add, a delete.
    await vi.waitFor(async () => expect(await topicRecordCount(brokers, c.topics.resources)).toBe(before + 3), { timeout: 30_000 });
    const ids = resources().map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
