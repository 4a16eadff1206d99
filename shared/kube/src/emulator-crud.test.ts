import { ApiException, PatchStrategy, setHeaderOptions, type KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startK8sEmulator, type K8sEmulator } from '../../../test/support/k8s-emulator';
import { createKubeClients, type KubeClients } from './clients';
import { loadKubeConfig } from './config';
import { KubeAlreadyExistsError, KubeConflictError, KubeInvalidError, KubeNotFoundError } from './errors';
import { toKubeError } from './to-kube-error';

// Contract tests: the real client-node over HTTP against the emulator, through a kubeconfig file.
let emu: K8sEmulator;
let kc: KubeConfig;
let k: KubeClients;

beforeAll(async () => {
  emu = await startK8sEmulator();
  kc = loadKubeConfig({ kubeconfigPath: emu.kubeconfigPath });
  k = createKubeClients(kc);
});
afterAll(() => emu.close());

async function rejection(p: Promise<unknown>): Promise<ApiException<unknown>> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ApiException);
  return err as ApiException<unknown>;
}

describe('namespaced CRUD (ConfigMap)', () => {
  it('creates, reads, replaces and deletes, with server-set metadata', async () => {
    const created = await k.core.createNamespacedConfigMap({
      namespace: 'crud',
      body: { metadata: { name: 'cm1', labels: { app: 'a' } }, data: { k: 'v1' } },
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(created.metadata?.generation).toBe(1);
    const rv1 = Number(created.metadata?.resourceVersion);

    const read = await k.core.readNamespacedConfigMap({ namespace: 'crud', name: 'cm1' });
    expect(read.data).toEqual({ k: 'v1' });

    const replaced = await k.core.replaceNamespacedConfigMap({
      namespace: 'crud',
      name: 'cm1',
      body: { ...read, data: { k: 'v2' } },
    });
    expect(Number(replaced.metadata?.resourceVersion)).toBeGreaterThan(rv1);
    expect(replaced.metadata?.uid).toBe(created.metadata?.uid);
    expect(emu.get('v1', 'ConfigMap', 'crud', 'cm1')?.data).toEqual({ k: 'v2' });

    await k.core.deleteNamespacedConfigMap({ namespace: 'crud', name: 'cm1' });
    expect(emu.get('v1', 'ConfigMap', 'crud', 'cm1')).toBeUndefined();
  });

  it('a no-op replace keeps the resourceVersion', async () => {
    const cm = await k.core.createNamespacedConfigMap({
      namespace: 'crud',
      body: { metadata: { name: 'same' }, data: { a: '1' } },
    });
    const again = await k.core.replaceNamespacedConfigMap({ namespace: 'crud', name: 'same', body: cm });
    expect(again.metadata?.resourceVersion).toBe(cm.metadata?.resourceVersion);
  });

  it('404 is a NotFound Status', async () => {
    const err = await rejection(k.core.readNamespacedConfigMap({ namespace: 'crud', name: 'missing' }));
    expect(err.code).toBe(404);
    expect(JSON.parse(err.body as string)).toMatchObject({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      reason: 'NotFound',
      code: 404,
      details: { name: 'missing', kind: 'configmaps' },
    });
    expect(toKubeError(err)).toBeInstanceOf(KubeNotFoundError);
  });

  it('409 AlreadyExists on a second create', async () => {
    await k.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'dup' } } });
    const err = await rejection(
      k.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'dup' } } }),
    );
    expect(err.code).toBe(409);
    expect(toKubeError(err)).toBeInstanceOf(KubeAlreadyExistsError);
  });

  it('409 Conflict for a stale resourceVersion (optimistic concurrency)', async () => {
    const cm = await k.core.createNamespacedConfigMap({
      namespace: 'crud',
      body: { metadata: { name: 'occ' }, data: { n: '0' } },
    });
    await k.core.replaceNamespacedConfigMap({
      namespace: 'crud',
      name: 'occ',
      body: { ...cm, data: { n: '1' } },
    });
    const err = await rejection(
      k.core.replaceNamespacedConfigMap({
        namespace: 'crud',
        name: 'occ',
        body: { ...cm, data: { n: 'stale' } },
      }),
    );
    expect(err.code).toBe(409);
    const mapped = toKubeError(err);
    expect(mapped).toBeInstanceOf(KubeConflictError);
    expect(mapped.retry).toBe(true);
    expect(emu.get('v1', 'ConfigMap', 'crud', 'occ')?.data).toEqual({ n: '1' });
  });

  it('422 Invalid for a missing or malformed name; 400 for a namespace that does not match the URL', async () => {
    const missing = await rejection(
      k.core.createNamespacedConfigMap({ namespace: 'crud', body: { data: {} } }),
    );
    expect(missing.code).toBe(422);
    expect(JSON.parse(missing.body as string).details.causes[0]).toMatchObject({
      field: 'metadata.name',
      type: 'FieldValueRequired',
    });
    expect(toKubeError(missing)).toBeInstanceOf(KubeInvalidError);
    const bad = await rejection(
      k.core.createNamespacedConfigMap({ namespace: 'crud', body: { metadata: { name: 'Bad_Name' } } }),
    );
    expect(bad.code).toBe(422);
    const elsewhere = await rejection(
      k.core.createNamespacedConfigMap({
        namespace: 'crud',
        body: { metadata: { name: 'x', namespace: 'other' } },
      }),
    );
    expect(elsewhere.code).toBe(400);
  });

  it('deletes a collection by label selector', async () => {
    emu.seed(
      ['q1', 'q2', 'keep'].map((name) => ({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name, namespace: 'coll', labels: { quarantine: name === 'keep' ? 'no' : 'yes' } },
      })),
    );
    await k.core.deleteCollectionNamespacedConfigMap({ namespace: 'coll', labelSelector: 'quarantine=yes' });
    expect(emu.list('v1', 'ConfigMap', 'coll').map((o) => o.metadata.name)).toEqual(['keep']);
  });

  it('generateName picks a name', async () => {
    const cm = await k.core.createNamespacedConfigMap({
      namespace: 'crud',
      body: { metadata: { generateName: 'gen-' } },
    });
    expect(cm.metadata?.name).toMatch(/^gen-[0-9a-f]{5}$/);
  });
});

describe('cluster-scoped CRUD (Namespace, Node)', () => {
  it('creates a Namespace with phase Active, lists and deletes it with its contents', async () => {
    const ns = await k.core.createNamespace({
      body: { metadata: { name: 'team-a', labels: { 'istio-injection': 'enabled' } } },
    });
    expect(ns.status?.phase).toBe('Active');
    await k.core.createNamespacedConfigMap({ namespace: 'team-a', body: { metadata: { name: 'inside' } } });
    const list = await k.core.listNamespace({ labelSelector: 'istio-injection=enabled' });
    expect(list.items.map((n) => n.metadata?.name)).toEqual(['team-a']);
    await k.core.deleteNamespace({ name: 'team-a' });
    await expect(k.core.readNamespace({ name: 'team-a' })).rejects.toMatchObject({ code: 404 });
    expect(emu.get('v1', 'ConfigMap', 'team-a', 'inside')).toBeUndefined();
  });

  it('patches a Node (cordon) and reads its status as seeded', async () => {
    emu.seed([
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'node-1' },
        status: { nodeInfo: { kubeletVersion: 'v1.31.0' } },
      },
    ]);
    const node = await k.core.patchNode(
      { name: 'node-1', body: { spec: { unschedulable: true } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(node.spec?.unschedulable).toBe(true);
    expect(node.status?.nodeInfo?.kubeletVersion).toBe('v1.31.0');
  });
});

describe('lists', () => {
  beforeAll(() => {
    emu.seed(
      ['ns1', 'ns2'].flatMap((ns) =>
        ['web', 'db', 'cache'].map((app, i) => ({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `${app}-0`, namespace: ns, labels: { app, tier: i === 0 ? 'front' : 'back' } },
          spec: { containers: [{ name: app, image: `${app}:1` }] },
        })),
      ),
    );
  });

  it('lists across all namespaces with a <Kind>List and a resourceVersion', async () => {
    const list = await k.core.listPodForAllNamespaces();
    expect(list.kind).toBe('PodList');
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(list.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)).toEqual([
      'ns1/cache-0',
      'ns1/db-0',
      'ns1/web-0',
      'ns2/cache-0',
      'ns2/db-0',
      'ns2/web-0',
    ]);
  });

  it.each([
    ['app=web', ['web-0']],
    ['app==web', ['web-0']],
    ['app!=web', ['cache-0', 'db-0']],
    ['app in (web, db)', ['db-0', 'web-0']],
    ['app notin (web,db)', ['cache-0']],
    ['tier', ['cache-0', 'db-0', 'web-0']],
    ['!tier', []],
    ['tier=back,app!=db', ['cache-0']],
  ])('labelSelector %s', async (labelSelector, names) => {
    const list = await k.core.listNamespacedPod({ namespace: 'ns1', labelSelector });
    expect(list.items.map((p) => p.metadata?.name)).toEqual(names);
  });

  it('fieldSelector on metadata.name and metadata.namespace', async () => {
    const list = await k.core.listPodForAllNamespaces({
      fieldSelector: 'metadata.name=db-0,metadata.namespace!=ns1',
    });
    expect(list.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)).toEqual(['ns2/db-0']);
  });

  it('pages with limit and continue', async () => {
    const first = await k.core.listPodForAllNamespaces({ limit: 4 });
    expect(first.items).toHaveLength(4);
    const rest = await k.core.listPodForAllNamespaces({ limit: 4, _continue: first.metadata?._continue });
    expect(rest.items).toHaveLength(2);
    expect(rest.metadata?._continue).toBeUndefined();
  });
});

describe('dryRun=All', () => {
  it('create, update and delete answer with the result and leave the store untouched', async () => {
    const rv = emu.resourceVersion();
    const created = await k.core.createNamespacedConfigMap({
      namespace: 'dry',
      dryRun: 'All',
      body: { metadata: { name: 'd' } },
    });
    expect(created.metadata?.name).toBe('d');
    expect(emu.get('v1', 'ConfigMap', 'dry', 'd')).toBeUndefined();

    const real = await k.core.createNamespacedConfigMap({
      namespace: 'dry',
      body: { metadata: { name: 'e' }, data: { a: '1' } },
    });
    const rvAfterCreate = emu.resourceVersion();
    expect(Number(rvAfterCreate)).toBe(Number(rv) + 1);
    const updated = await k.core.replaceNamespacedConfigMap({
      namespace: 'dry',
      name: 'e',
      dryRun: 'All',
      body: { ...real, data: { a: '2' } },
    });
    expect(updated.data).toEqual({ a: '2' });
    await k.core.deleteNamespacedConfigMap({ namespace: 'dry', name: 'e', dryRun: 'All' });
    expect(emu.get('v1', 'ConfigMap', 'dry', 'e')?.data).toEqual({ a: '1' });
    expect(emu.resourceVersion()).toBe(rvAfterCreate);
  });
});

describe('typed clients for the other groups', () => {
  it('coordination.k8s.io Leases take optimistic concurrency (leader election)', async () => {
    const lease = await k.coordination.createNamespacedLease({
      namespace: 'ztv',
      body: { metadata: { name: 'rule-worker' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } },
    });
    await k.coordination.replaceNamespacedLease({
      namespace: 'ztv',
      name: 'rule-worker',
      body: { ...lease, spec: { holderIdentity: 'b' } },
    });
    const lost = k.coordination.replaceNamespacedLease({
      namespace: 'ztv',
      name: 'rule-worker',
      body: { ...lease, spec: { holderIdentity: 'c' } },
    });
    await expect(lost).rejects.toMatchObject({ code: 409 });
  });

  it('networking.k8s.io and apps lists across namespaces', async () => {
    emu.seed([
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'deny', namespace: 'n1' },
        spec: { podSelector: {} },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db', namespace: 'n2' },
        spec: { serviceName: 'db' },
      },
    ]);
    const nps = await k.networking.listNetworkPolicyForAllNamespaces();
    expect(nps.items.map((n) => n.metadata?.name)).toEqual(['deny']);
    const sts = await k.apps.listStatefulSetForAllNamespaces();
    expect(sts.items.map((n) => `${n.metadata?.namespace}/${n.metadata?.name}`)).toEqual(['n2/db']);
  });
});

describe('server basics', () => {
  it('records requests so tests can check which calls were made', async () => {
    emu.clearRequests();
    await k.core.listNamespacedConfigMap({ namespace: 'crud', labelSelector: 'app=a' });
    expect(emu.requests).toEqual([
      expect.objectContaining({
        method: 'GET',
        path: '/api/v1/namespaces/crud/configmaps',
        query: { labelSelector: 'app=a' },
        status: 200,
      }),
    ]);
  });

  it('rejects requests without the bearer token (401)', async () => {
    const res = await fetch(`${emu.url}/api/v1/namespaces`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('serves discovery for every registered group', async () => {
    const apis = await (
      await fetch(`${emu.url}/apis`, { headers: { authorization: `Bearer ${emu.token}` } })
    ).json();
    const names = (apis as { groups: { name: string }[] }).groups.map((g) => g.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'apps',
        'batch',
        'networking.k8s.io',
        'security.istio.io',
        'cilium.io',
        'cert-manager.io',
        'coordination.k8s.io',
      ]),
    );
    const core = await (
      await fetch(`${emu.url}/api/v1`, { headers: { authorization: `Bearer ${emu.token}` } })
    ).json();
    expect((core as { resources: { name: string }[] }).resources.map((r) => r.name)).toContain(
      'serviceaccounts',
    );
  });
});
