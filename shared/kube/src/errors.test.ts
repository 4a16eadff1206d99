import { KubeConfig, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startK8sEmulator, type K8sEmulator } from '../../../test/support/k8s-emulator';
import { serverSideApply } from './apply';
import { createKubeClients, type KubeClients } from './clients';
import { loadKubeConfig } from './config';
import {
  KubeConflictError,
  KubeForbiddenError,
  KubeGoneError,
  KubeInvalidError,
  KubeServerError,
  KubeTimeoutError,
  KubeTooManyRequestsError,
  KubeUnauthorizedError,
  KubeUnavailableError,
  type KubeError,
} from './errors';
import { isReachable } from './reachability';
import { toKubeError } from './to-kube-error';

// Failure paths, driven by the emulator's fault injection and real transport failures.
let emu: K8sEmulator;
let k: KubeClients;

beforeAll(async () => {
  emu = await startK8sEmulator();
  k = createKubeClients(loadKubeConfig({ kubeconfigPath: emu.kubeconfigPath }), { requestTimeoutMs: 300 });
});
beforeEach(() => emu.clearFaults());
afterAll(() => emu.close());

const failure = (p: Promise<unknown>): Promise<KubeError> =>
  p.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => toKubeError(e, { test: true }),
  );
const readPod = () => k.core.readNamespacedPod({ namespace: 'f', name: 'p' });

describe('toKubeError with injected faults', () => {
  it.each([
    [403, KubeForbiddenError, false],
    [409, KubeConflictError, true],
    [410, KubeGoneError, true],
    [422, KubeInvalidError, false],
    [500, KubeServerError, true],
    [503, KubeServerError, true],
    [504, KubeTimeoutError, true],
  ])('%i → %o (retry %s)', async (status, cls, retry) => {
    emu.setFault({ path: '/api/v1/namespaces/f/pods' }, { status, times: 1 });
    const err = await failure(readPod());
    expect(err).toBeInstanceOf(cls);
    expect(err.retry).toBe(retry);
    expect(err.httpStatus).toBe(status);
    expect(err.status?.code).toBe(status);
    expect(err.context).toEqual({ test: true });
  });

  it('429 carries Retry-After', async () => {
    emu.setFault({ method: 'GET' }, { status: 429, headers: { 'retry-after': '7' }, times: 1 });
    const err = await failure(readPod());
    expect(err).toBeInstanceOf(KubeTooManyRequestsError);
    expect(err.retryAfterSeconds).toBe(7);
  });

  it('a fault applies only to matching requests and only `times` times', async () => {
    emu.seed([{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'f' } }]);
    emu.setFault({ method: 'PATCH', contentType: 'application/apply-patch+yaml' }, { status: 500, times: 1 });
    await expect(readPod()).resolves.toBeDefined();
    const apply = () =>
      serverSideApply(k.objects, {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c', namespace: 'f' },
      });
    await expect(apply()).rejects.toBeInstanceOf(KubeServerError);
    await expect(apply()).resolves.toBeDefined();
  });

  it('a slow answer past the request timeout is KubeTimeoutError', async () => {
    emu.setFault({ path: '/api/v1/namespaces/f/pods' }, { delayMs: 1_000, times: 1 });
    const err = await failure(readPod());
    expect(err).toBeInstanceOf(KubeTimeoutError);
    expect(err.retry).toBe(true);
  });

  it('a dropped connection is KubeUnavailableError', async () => {
    emu.setFault({ path: '/api/v1/namespaces/f/pods' }, { reset: true, times: 1 });
    const err = await failure(readPod());
    expect(err).toBeInstanceOf(KubeUnavailableError);
    expect(err.retry).toBe(true);
  });

  it('a failed watch request maps by its statusCode', async () => {
    emu.setFault({ watch: true }, { status: 403, times: 1 });
    const err = await new Promise<unknown>((resolve) => {
      void new Watch(k.kc).watch('/api/v1/pods', {}, () => {}, resolve);
    });
    expect(toKubeError(err)).toBeInstanceOf(KubeForbiddenError);
  });
});

describe('transport and credentials', () => {
  it('a wrong token is KubeUnauthorizedError, and not reachable', async () => {
    const bad = new KubeConfig();
    bad.loadFromString(emu.kubeconfig.replace(emu.token, 'wrong-token'));
    const err = await failure(createKubeClients(bad).core.listNamespace());
    expect(err).toBeInstanceOf(KubeUnauthorizedError);
    expect(err.retry).toBe(false);
    const r = await isReachable(bad);
    expect(r.reachable).toBe(false);
    expect(!r.reachable && r.error).toBeInstanceOf(KubeUnauthorizedError);
  });

  it('a closed port is KubeUnavailableError (ECONNREFUSED)', async () => {
    const gone = await startK8sEmulator();
    const kc = loadKubeConfig({ kubeconfigPath: gone.kubeconfigPath });
    await gone.close();
    const err = await failure(createKubeClients(kc).core.listNamespace());
    expect(err).toBeInstanceOf(KubeUnavailableError);
    expect(err.context).toMatchObject({ code: 'ECONNREFUSED' });
    const r = await isReachable(kc);
    expect(!r.reachable && r.error).toBeInstanceOf(KubeUnavailableError);
  });

  it('isReachable answers with the server version, and times out on a hung server', async () => {
    const kc = loadKubeConfig({ kubeconfigPath: emu.kubeconfigPath });
    expect(await isReachable(kc)).toEqual({ reachable: true, gitVersion: 'v1.31.0-ztv-emulator' });
    emu.setFault({ path: '/version' }, { delayMs: 1_000, times: 1 });
    const r = await isReachable(kc, { timeoutMs: 200 });
    expect(!r.reachable && r.error).toBeInstanceOf(KubeTimeoutError);
  });
});
