import { PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startK8sEmulator, type K8sEmulator } from '../../../test/support/k8s-emulator';
import { createKubeClients, type KubeClients } from './clients';
import { loadKubeConfig } from './config';
import { KubeNotFoundError } from './errors';
import { toKubeError } from './to-kube-error';

// The custom objects API (security.istio.io, cilium.io, cert-manager.io) and CRD groups that are not installed.
let emu: K8sEmulator;
let k: KubeClients;

beforeAll(async () => {
  emu = await startK8sEmulator();
  k = createKubeClients(loadKubeConfig({ kubeconfigPath: emu.kubeconfigPath }));
});
afterAll(() => emu.close());

type Listed = {
  kind: string;
  items: { apiVersion: string; kind: string; metadata: { name: string; namespace?: string } }[];
};

const istio = { group: 'security.istio.io', version: 'v1' };

describe('security.istio.io', () => {
  it('creates, lists (items carry kind and apiVersion), patches and deletes AuthorizationPolicies', async () => {
    const allowNothing = {
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'allow-nothing' },
      spec: {},
    };
    const created = (await k.custom.createNamespacedCustomObject({
      ...istio,
      namespace: 'mesh',
      plural: 'authorizationpolicies',
      body: allowNothing,
    })) as {
      metadata: { uid: string };
    };
    expect(created.metadata.uid).toBeDefined();
    const list = (await k.custom.listNamespacedCustomObject({
      ...istio,
      namespace: 'mesh',
      plural: 'authorizationpolicies',
    })) as Listed;
    expect(list.kind).toBe('AuthorizationPolicyList');
    expect(list.items[0]).toMatchObject({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'allow-nothing' },
    });
    const patched = (await k.custom.patchNamespacedCustomObject(
      {
        ...istio,
        namespace: 'mesh',
        plural: 'authorizationpolicies',
        name: 'allow-nothing',
        body: { spec: { action: 'ALLOW' } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    )) as { spec: unknown };
    expect(patched.spec).toEqual({ action: 'ALLOW' });
    await k.custom.deleteNamespacedCustomObject({
      ...istio,
      namespace: 'mesh',
      plural: 'authorizationpolicies',
      name: 'allow-nothing',
    });
    expect(emu.list('security.istio.io/v1', 'AuthorizationPolicy', 'mesh')).toEqual([]);
  });

  it('serves one PeerAuthentication at v1 and v1beta1', async () => {
    emu.seed([
      {
        apiVersion: 'security.istio.io/v1beta1',
        kind: 'PeerAuthentication',
        metadata: { name: 'default', namespace: 'istio-system' },
        spec: { mtls: { mode: 'STRICT' } },
      },
    ]);
    const v1 = (await k.custom.getNamespacedCustomObject({
      ...istio,
      namespace: 'istio-system',
      plural: 'peerauthentications',
      name: 'default',
    })) as {
      apiVersion: string;
    };
    const beta = (await k.custom.getNamespacedCustomObject({
      group: 'security.istio.io',
      version: 'v1beta1',
      namespace: 'istio-system',
      plural: 'peerauthentications',
      name: 'default',
    })) as { apiVersion: string };
    expect([v1.apiVersion, beta.apiVersion]).toEqual(['security.istio.io/v1', 'security.istio.io/v1beta1']);
  });

  it('lists across namespaces with a label selector', async () => {
    emu.seed(
      ['a', 'b'].map((ns) => ({
        apiVersion: 'security.istio.io/v1',
        kind: 'AuthorizationPolicy',
        metadata: { name: 'p', namespace: ns, labels: { owner: ns === 'a' ? 'ztv' : 'team' } },
        spec: {},
      })),
    );
    const list = (await k.custom.listClusterCustomObject({
      ...istio,
      plural: 'authorizationpolicies',
      labelSelector: 'owner=ztv',
    })) as Listed;
    expect(list.items.map((i) => `${i.metadata.namespace}/${i.metadata.name}`)).toEqual(['a/p']);
  });
});

describe('cilium.io and cert-manager.io', () => {
  it('namespaced CiliumNetworkPolicy and cluster-scoped CiliumClusterwideNetworkPolicy', async () => {
    const cilium = { group: 'cilium.io', version: 'v2' };
    await k.custom.createNamespacedCustomObject({
      ...cilium,
      namespace: 'app',
      plural: 'ciliumnetworkpolicies',
      body: {
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumNetworkPolicy',
        metadata: { name: 'deny' },
        spec: { endpointSelector: {} },
      },
    });
    await k.custom.createClusterCustomObject({
      ...cilium,
      plural: 'ciliumclusterwidenetworkpolicies',
      body: {
        apiVersion: 'cilium.io/v2',
        kind: 'CiliumClusterwideNetworkPolicy',
        metadata: { name: 'global' },
        spec: {},
      },
    });
    const ccnp = (await k.custom.getClusterCustomObject({
      ...cilium,
      plural: 'ciliumclusterwidenetworkpolicies',
      name: 'global',
    })) as {
      metadata: { namespace?: string };
    };
    expect(ccnp.metadata.namespace).toBeUndefined();
    expect(emu.get('cilium.io/v2', 'CiliumNetworkPolicy', 'app', 'deny')).toBeDefined();
    // A cluster-scoped kind has no namespaced path.
    const wrong = k.custom.getNamespacedCustomObject({
      ...cilium,
      namespace: 'app',
      plural: 'ciliumclusterwidenetworkpolicies',
      name: 'global',
    });
    await expect(wrong).rejects.toMatchObject({ code: 404 });
  });

  it('cert-manager Certificates keep a seeded status; creates drop it (status subresource)', async () => {
    emu.seed([
      {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'seeded', namespace: 'certs' },
        spec: { secretName: 's' },
        status: { notAfter: '2030-01-01T00:00:00Z' },
      },
    ]);
    const cm = { group: 'cert-manager.io', version: 'v1', namespace: 'certs', plural: 'certificates' };
    const seeded = (await k.custom.getNamespacedCustomObject({ ...cm, name: 'seeded' })) as {
      status?: unknown;
    };
    expect(seeded.status).toEqual({ notAfter: '2030-01-01T00:00:00Z' });
    const created = (await k.custom.createNamespacedCustomObject({
      ...cm,
      body: {
        apiVersion: 'cert-manager.io/v1',
        kind: 'Certificate',
        metadata: { name: 'new' },
        spec: {},
        status: { ready: true },
      },
    })) as { status?: unknown };
    expect(created.status).toBeUndefined();
  });
});

describe('a CRD group that is not installed', () => {
  it('404s and is missing from discovery', async () => {
    emu.setGroupAbsent('cilium.io');
    try {
      const err = await k.custom
        .listNamespacedCustomObject({
          group: 'cilium.io',
          version: 'v2',
          namespace: 'x',
          plural: 'ciliumnetworkpolicies',
        })
        .catch((e: unknown) => e);
      expect(toKubeError(err)).toBeInstanceOf(KubeNotFoundError);
      const apis = await (
        await fetch(`${emu.url}/apis`, { headers: { authorization: `Bearer ${emu.token}` } })
      ).json();
      expect((apis as { groups: { name: string }[] }).groups.map((g) => g.name)).not.toContain('cilium.io');
      const groupDoc = await fetch(`${emu.url}/apis/cilium.io/v2`, {
        headers: { authorization: `Bearer ${emu.token}` },
      });
      expect(groupDoc.status).toBe(404);
    } finally {
      emu.setGroupAbsent('cilium.io', false);
    }
    const back = await k.custom.listNamespacedCustomObject({
      group: 'cilium.io',
      version: 'v2',
      namespace: 'x',
      plural: 'ciliumnetworkpolicies',
    });
    expect(back).toMatchObject({ kind: 'CiliumNetworkPolicyList' });
  });

  it('can be absent from the start', async () => {
    const bare = await startK8sEmulator({ absentGroups: ['security.istio.io', 'cert-manager.io'] });
    try {
      const kb = createKubeClients(loadKubeConfig({ kubeconfigPath: bare.kubeconfigPath }));
      const p = kb.custom.listClusterCustomObject({
        group: 'cert-manager.io',
        version: 'v1',
        plural: 'certificates',
      });
      await expect(p).rejects.toMatchObject({ code: 404 });
    } finally {
      await bare.close();
    }
  });
});
