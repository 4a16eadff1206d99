import {
  PatchStrategy,
  setHeaderOptions,
  type KubernetesObject,
  type V1NetworkPolicy,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startK8sEmulator, type K8sEmulator } from '../../../test/support/k8s-emulator';
import { serverSideApply } from './apply';
import { createKubeClients, type KubeClients } from './clients';
import { loadKubeConfig } from './config';
import { KubeApplyConflictError, KubeConflictError } from './errors';

let emu: K8sEmulator;
let k: KubeClients;

beforeAll(async () => {
  emu = await startK8sEmulator();
  k = createKubeClients(loadKubeConfig({ kubeconfigPath: emu.kubeconfigPath }));
});
afterAll(() => emu.close());

const defaultDeny = (ns: string, extra: Partial<V1NetworkPolicy['spec']> = {}): V1NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'default-deny', namespace: ns, labels: { 'app.kubernetes.io/managed-by': 'ztv' } },
  spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ...extra },
});

type PeerAuthentication = KubernetesObject & { spec: { mtls?: { mode: string }; selector?: unknown } };
const peerAuth = (ns: string, mode: string): PeerAuthentication => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: 'default', namespace: ns },
  spec: { mtls: { mode } },
});

const managersOf = (o: KubernetesObject | undefined) =>
  (o?.metadata?.managedFields ?? []).map((m) => ({
    manager: m.manager,
    operation: m.operation,
    fields: m.fieldsV1,
  }));

describe('serverSideApply', () => {
  it('creates an absent object and records the fields it applied', async () => {
    emu.clearRequests();
    const np = await serverSideApply(k.objects, defaultDeny('apply-create'));
    expect(np.metadata?.uid).toBeDefined();
    expect(np.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(managersOf(np)).toEqual([
      {
        manager: 'ztv-remediator',
        operation: 'Apply',
        fields: {
          'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/managed-by': {} } },
          'f:spec': { 'f:podSelector': {}, 'f:policyTypes': {} },
        },
      },
    ]);
    const patch = emu.requests.find((r) => r.method === 'PATCH');
    expect(patch).toMatchObject({
      path: '/apis/networking.k8s.io/v1/namespaces/apply-create/networkpolicies/default-deny',
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager: 'ztv-remediator', force: 'false' },
      status: 201,
    });
  });

  it('updates, and removes fields the manager no longer applies', async () => {
    await serverSideApply(
      k.objects,
      defaultDeny('apply-update', { ingress: [{ _from: [{ podSelector: {} }] }] }),
    );
    const first = emu.get('networking.k8s.io/v1', 'NetworkPolicy', 'apply-update', 'default-deny')!;
    expect(first.spec).toHaveProperty('ingress');
    const updated = await serverSideApply(k.objects, defaultDeny('apply-update'));
    expect(updated.spec?.ingress).toBeUndefined();
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(Number(first.metadata.resourceVersion));
    expect(updated.metadata?.generation).toBe(2);
  });

  it('re-applying the same intent is a no-op', async () => {
    const a = await serverSideApply(k.objects, defaultDeny('apply-noop'));
    const b = await serverSideApply(k.objects, defaultDeny('apply-noop'));
    expect(b.metadata?.resourceVersion).toBe(a.metadata?.resourceVersion);
  });

  it('a changed value in a field another manager owns is a conflict naming the field', async () => {
    emu.seed([peerAuth('mesh-a', 'PERMISSIVE')], { fieldManager: 'kubectl-client-side-apply' });
    const err = await serverSideApply(k.objects, peerAuth('mesh-a', 'STRICT')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeApplyConflictError);
    const conflict = err as KubeApplyConflictError;
    expect(conflict.retry).toBe(false);
    expect(conflict.httpStatus).toBe(409);
    expect(conflict.conflicts).toEqual([
      {
        field: '.spec.mtls.mode',
        message: 'conflict with "kubectl-client-side-apply" using security.istio.io/v1',
      },
    ]);
    expect(conflict.context).toMatchObject({
      kind: 'PeerAuthentication',
      namespace: 'mesh-a',
      name: 'default',
    });
    expect(emu.get('security.istio.io/v1', 'PeerAuthentication', 'mesh-a', 'default')?.spec).toEqual({
      mtls: { mode: 'PERMISSIVE' },
    });
  });

  it('force takes the field over; the previous owner now conflicts', async () => {
    emu.seed([peerAuth('mesh-b', 'PERMISSIVE')], { fieldManager: 'kubectl-client-side-apply' });
    const forced = await serverSideApply(k.objects, peerAuth('mesh-b', 'STRICT'), { force: true });
    expect(forced.spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(managersOf(forced)).toEqual([
      { manager: 'ztv-remediator', operation: 'Apply', fields: { 'f:spec': { 'f:mtls': { 'f:mode': {} } } } },
    ]);
    const back = serverSideApply(k.objects, peerAuth('mesh-b', 'PERMISSIVE'), {
      fieldManager: 'someone-else',
    });
    await expect(back).rejects.toBeInstanceOf(KubeApplyConflictError);
  });

  it('the same value is no conflict: both managers own the field', async () => {
    emu.seed([peerAuth('mesh-c', 'STRICT')], { fieldManager: 'kubectl-client-side-apply' });
    const shared = await serverSideApply(k.objects, peerAuth('mesh-c', 'STRICT'));
    expect(managersOf(shared).map((m) => m.manager)).toEqual(['kubectl-client-side-apply', 'ztv-remediator']);
  });

  it('an update by another writer takes ownership, so the next apply conflicts', async () => {
    await serverSideApply(k.objects, peerAuth('mesh-d', 'STRICT'));
    await k.custom.patchNamespacedCustomObject(
      {
        group: 'security.istio.io',
        version: 'v1',
        namespace: 'mesh-d',
        plural: 'peerauthentications',
        name: 'default',
        body: { spec: { mtls: { mode: 'DISABLE' } } },
        fieldManager: 'intruder',
      },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    const err = await serverSideApply(k.objects, peerAuth('mesh-d', 'STRICT')).catch((e: unknown) => e);
    expect((err as KubeApplyConflictError).conflicts[0]?.message).toContain('"intruder"');
  });

  it('dryRun=All answers with the result and persists nothing (create and update)', async () => {
    const rv = emu.resourceVersion();
    const created = await serverSideApply(k.objects, defaultDeny('apply-dry'), { dryRun: true });
    expect(created.spec?.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(emu.get('networking.k8s.io/v1', 'NetworkPolicy', 'apply-dry', 'default-deny')).toBeUndefined();
    emu.seed([peerAuth('apply-dry', 'PERMISSIVE')]);
    const rvSeeded = emu.resourceVersion();
    expect(Number(rvSeeded)).toBe(Number(rv) + 1);
    const diff = await serverSideApply(k.objects, peerAuth('apply-dry', 'STRICT'), {
      dryRun: true,
      force: true,
    });
    expect(diff.spec).toEqual({ mtls: { mode: 'STRICT' } });
    expect(emu.get('security.istio.io/v1', 'PeerAuthentication', 'apply-dry', 'default')?.spec).toEqual({
      mtls: { mode: 'PERMISSIVE' },
    });
    expect(emu.resourceVersion()).toBe(rvSeeded);
  });

  it('a stale resourceVersion in the intent is a (retryable) conflict', async () => {
    const np = await serverSideApply(k.objects, defaultDeny('apply-rv'));
    await serverSideApply(k.objects, defaultDeny('apply-rv', { policyTypes: ['Ingress'] }));
    const stale = {
      ...defaultDeny('apply-rv'),
      metadata: { ...defaultDeny('apply-rv').metadata, resourceVersion: np.metadata?.resourceVersion },
    };
    await expect(serverSideApply(k.objects, stale)).rejects.toBeInstanceOf(KubeConflictError);
  });
});

describe('apply-patch+yaml on the wire', () => {
  const url = (ns: string, query: string) =>
    `/apis/security.istio.io/v1beta1/namespaces/${ns}/peerauthentications/default?${query}`;
  const send = (path: string, body: string, contentType = 'application/apply-patch+yaml') =>
    fetch(`${emu.url}${path}`, {
      method: 'PATCH',
      body,
      headers: { authorization: `Bearer ${emu.token}`, 'content-type': contentType },
    });

  it('accepts a YAML body, served at any version of the kind', async () => {
    const yaml =
      'apiVersion: security.istio.io/v1beta1\nkind: PeerAuthentication\nmetadata:\n  name: default\nspec:\n  mtls:\n    mode: STRICT\n';
    const res = await send(url('wire', 'fieldManager=kubectl'), yaml);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({
      apiVersion: 'security.istio.io/v1beta1',
      spec: { mtls: { mode: 'STRICT' } },
    });
    expect(emu.get('security.istio.io/v1', 'PeerAuthentication', 'wire', 'default')?.apiVersion).toBe(
      'security.istio.io/v1',
    );
  });

  it('requires fieldManager for apply and refuses force on other patches (422)', async () => {
    const res = await send(
      url('wire', ''),
      '{"apiVersion":"security.istio.io/v1","kind":"PeerAuthentication"}',
    );
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({
      reason: 'Invalid',
      details: { causes: [{ field: 'fieldManager' }] },
    });
    const merge = await send(url('wire', 'force=true'), '{}', 'application/merge-patch+json');
    expect(merge.status).toBe(422);
  });

  it('refuses an unknown patch type (415)', async () => {
    expect((await send(url('wire', ''), '{}', 'application/json')).status).toBe(415);
  });
});
