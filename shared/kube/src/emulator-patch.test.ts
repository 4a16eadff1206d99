import { ApiException, PatchStrategy, setHeaderOptions, type V1Deployment } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startK8sEmulator, type K8sEmulator } from '../../../test/support/k8s-emulator';
import { createKubeClients, type KubeClients } from './clients';
import { loadKubeConfig } from './config';
import { KubeInvalidError } from './errors';
import { toKubeError } from './to-kube-error';

let emu: K8sEmulator;
let k: KubeClients;

beforeAll(async () => {
  emu = await startK8sEmulator();
  k = createKubeClients(loadKubeConfig({ kubeconfigPath: emu.kubeconfigPath }));
});
afterAll(() => emu.close());

const as = (strategy: PatchStrategy) => setHeaderOptions('Content-Type', strategy);

const deployment = (name: string): V1Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'p', labels: { app: name }, annotations: { keep: 'me' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [{ name: 'app', image: 'app:1' }] },
    },
  },
});

beforeEach(() => {
  emu.seed([deployment('web')]);
});

describe('merge patch (RFC 7386)', () => {
  it('merges maps, replaces lists, deletes with null and bumps generation on spec changes', async () => {
    const before = emu.get('apps/v1', 'Deployment', 'p', 'web')!;
    const patched = await k.apps.patchNamespacedDeployment(
      {
        namespace: 'p',
        name: 'web',
        body: { metadata: { labels: { team: 'x' }, annotations: { keep: null } }, spec: { replicas: 3 } },
      },
      as(PatchStrategy.MergePatch),
    );
    expect(patched.metadata?.labels).toEqual({ app: 'web', team: 'x' });
    expect(patched.metadata?.annotations).toBeUndefined();
    expect(patched.spec?.replicas).toBe(3);
    expect(patched.metadata?.generation).toBe(Number(before.metadata.generation) + 1);
  });

  it('strategic merge patch is served as a merge patch (lists replace, see README)', async () => {
    const patched = await k.apps.patchNamespacedDeployment(
      {
        namespace: 'p',
        name: 'web',
        body: { spec: { template: { spec: { containers: [{ name: 'sidecar', image: 's:1' }] } } } },
      },
      as(PatchStrategy.StrategicMergePatch),
    );
    expect(patched.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['sidecar']);
  });

  it('a metadata-only change keeps generation; a resourceVersion in the patch is a precondition', async () => {
    const cur = emu.get('apps/v1', 'Deployment', 'p', 'web')!;
    const patched = await k.apps.patchNamespacedDeployment(
      { namespace: 'p', name: 'web', body: { metadata: { labels: { only: 'meta' } } } },
      as(PatchStrategy.MergePatch),
    );
    expect(patched.metadata?.generation).toBe(cur.metadata.generation);
    const stale = k.apps.patchNamespacedDeployment(
      {
        namespace: 'p',
        name: 'web',
        body: { metadata: { resourceVersion: cur.metadata.resourceVersion }, spec: { replicas: 9 } },
      },
      as(PatchStrategy.MergePatch),
    );
    await expect(stale).rejects.toMatchObject({ code: 409 });
  });

  it('404 for a patch of a missing object', async () => {
    const p = k.apps.patchNamespacedDeployment(
      { namespace: 'p', name: 'nope', body: { spec: {} } },
      as(PatchStrategy.MergePatch),
    );
    await expect(p).rejects.toMatchObject({ code: 404 });
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('applies add, remove, replace, copy, move and test in order', async () => {
    const patched = await k.apps.patchNamespacedDeployment({
      namespace: 'p',
      name: 'web',
      body: [
        { op: 'test', path: '/spec/replicas', value: 2 },
        { op: 'replace', path: '/spec/replicas', value: 0 },
        { op: 'add', path: '/metadata/labels/quarantine', value: 'true' },
        { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'extra', image: 'e:1' } },
        { op: 'copy', from: '/metadata/labels/app', path: '/metadata/labels/copied' },
        { op: 'move', from: '/metadata/annotations/keep', path: '/metadata/annotations/moved' },
        { op: 'remove', path: '/spec/template/spec/containers/0' },
      ],
    });
    expect(patched.spec?.replicas).toBe(0);
    expect(patched.metadata?.labels).toEqual({ app: 'web', quarantine: 'true', copied: 'web' });
    expect(patched.metadata?.annotations).toEqual({ moved: 'me' });
    expect(patched.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['extra']);
  });

  it('a failed test or a missing path is 422 and changes nothing', async () => {
    const rv = emu.get('apps/v1', 'Deployment', 'p', 'web')!.metadata.resourceVersion;
    for (const body of [
      [
        { op: 'test', path: '/spec/replicas', value: 5 },
        { op: 'replace', path: '/spec/replicas', value: 1 },
      ],
      [{ op: 'remove', path: '/spec/nothing/here' }],
    ]) {
      const err = await k.apps
        .patchNamespacedDeployment({ namespace: 'p', name: 'web', body })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ApiException);
      expect((err as ApiException<string>).code).toBe(422);
      expect(toKubeError(err)).toBeInstanceOf(KubeInvalidError);
    }
    expect(emu.get('apps/v1', 'Deployment', 'p', 'web')!.metadata.resourceVersion).toBe(rv);
  });

  it('a malformed patch is 400', async () => {
    const p = k.apps.patchNamespacedDeployment({
      namespace: 'p',
      name: 'web',
      body: [{ op: 'explode', path: '/x' }],
    });
    await expect(p).rejects.toMatchObject({ code: 400 });
  });

  it('dryRun=All returns the patched object without storing it', async () => {
    const rv = emu.resourceVersion();
    const patched = await k.apps.patchNamespacedDeployment({
      namespace: 'p',
      name: 'web',
      dryRun: 'All',
      body: [{ op: 'replace', path: '/spec/replicas', value: 7 }],
    });
    expect(patched.spec?.replicas).toBe(7);
    expect(emu.get('apps/v1', 'Deployment', 'p', 'web')!.spec).toMatchObject({ replicas: 2 });
    expect(emu.resourceVersion()).toBe(rv);
  });
});

describe('status subresource', () => {
  it('the main resource ignores status; /status changes only status', async () => {
    await k.apps.patchNamespacedDeployment(
      { namespace: 'p', name: 'web', body: { status: { replicas: 99 } } },
      as(PatchStrategy.MergePatch),
    );
    expect(emu.get('apps/v1', 'Deployment', 'p', 'web')!.status).toBeUndefined();
    const s = await k.apps.patchNamespacedDeploymentStatus(
      { namespace: 'p', name: 'web', body: { status: { readyReplicas: 2 }, spec: { replicas: 50 } } },
      as(PatchStrategy.MergePatch),
    );
    expect(s.status?.readyReplicas).toBe(2);
    expect(s.spec?.replicas).toBe(2);
  });
});
