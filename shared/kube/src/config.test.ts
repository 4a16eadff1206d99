import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startK8sEmulator, type K8sEmulator } from '../../../test/support/k8s-emulator';
import { loadKubeConfig } from './config';
import { KubeClientError } from './errors';

let emu: K8sEmulator;

beforeAll(async () => {
  emu = await startK8sEmulator({ namespace: 'ztv-system' });
});
afterAll(() => emu.close());

describe('loadKubeConfig', () => {
  it('loads the emulator kubeconfig: http server, bearer token, context namespace', () => {
    const kc = loadKubeConfig({ kubeconfigPath: emu.kubeconfigPath });
    expect(kc.getCurrentCluster()).toMatchObject({ server: emu.url, skipTLSVerify: true });
    expect(kc.getCurrentUser()?.token).toBe(emu.token);
    expect(kc.getContextObject(kc.getCurrentContext())?.namespace).toBe('ztv-system');
  });

  it('switches context on request, and refuses an unknown one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ztv-kube-'));
    const path = join(dir, 'kubeconfig');
    const second = emu.kubeconfig
      .replace('current-context: ztv-emulator', '')
      .replace(
        'contexts:\n',
        'contexts:\n  - name: other\n    context:\n      cluster: ztv-emulator\n      user: ztv-emulator\n',
      );
    await writeFile(path, `${second}current-context: ztv-emulator\n`);
    expect(loadKubeConfig({ kubeconfigPath: path, context: 'other' }).getCurrentContext()).toBe('other');
    expect(() => loadKubeConfig({ kubeconfigPath: path, context: 'nope' })).toThrow(KubeClientError);
  });

  it('a missing file is a KubeClientError that names it', () => {
    expect(() => loadKubeConfig({ kubeconfigPath: '/nonexistent/kubeconfig' })).toThrow(
      /\/nonexistent\/kubeconfig/,
    );
  });
});
