import { generateKeyPairSync } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ResourceEvent } from '@ztv/events';
import { startK8sEmulator, type K8sEmulator, type KubeObject } from '../../../../../test/support/k8s-emulator';
import { sharedFixture, startTestCollector, type TestCollector } from '../../test-support';
import type { KubeWatchSource } from './kube-watch-source';

const certPem = sharedFixture('spiffe/go-spiffe-x509svid/good-leaf-only.pem');
const keyPem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const b64 = (s: string) => Buffer.from(s).toString('base64');

const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const netpol = (namespace: string, name: string, extra: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace, ...extra },
  spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
});
const tlsSecret = (namespace: string, name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Secret',
  type: 'kubernetes.io/tls',
  metadata: { name, namespace },
  data: { 'tls.crt': b64(certPem), 'tls.key': b64(keyPem) },
});

let emu: K8sEmulator;
let c: TestCollector;
const logLines: Record<string, unknown>[] = [];

/** Upserts and deletes on ztv.resources.v1 for one object, in order. */
function history(kind: string, namespace: string | undefined, name: string): string[] {
  return c
    .values<ResourceEvent>(c.topics.resources)
    .filter((e) => e.data.kind === kind && e.data.namespace === namespace && e.data.name === name)
    .map((e) => `${e.data.op}@${e.data.resourceVersion}`);
}

beforeAll(async () => {
  emu = await startK8sEmulator({ bookmarkIntervalMs: 100, absentGroups: ['cilium.io', 'cert-manager.io'] });
  emu.seed([ns('shop'), netpol('shop', 'default-deny'), tlsSecret('shop', 'web-tls')]);
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  c = await startTestCollector(
    {
      COLLECTOR_KUBE_WATCH_ENABLED: 'true',
      KUBECONFIG: emu.kubeconfigPath,
      COLLECTOR_KUBE_KINDS: 'Namespace,NetworkPolicy,Secret,CiliumNetworkPolicy,Certificate,PeerAuthentication',
      COLLECTOR_KUBE_CRD_RECHECK_SECONDS: '3600',
    },
    { logger: pino({ level: 'info' }, sink) },
  );
});
afterAll(async () => {
  await c?.stop();
  await emu?.close();
});

describe('Kubernetes watchers', () => {
  it('publish the initial list, then every add, update and delete from the watch', async () => {
    await vi.waitFor(() => expect(history('NetworkPolicy', 'shop', 'default-deny')).toHaveLength(1), { timeout: 10_000 });
    expect(history('Namespace', undefined, 'shop')).toHaveLength(1);
    emu.seed([netpol('shop', 'allow-dns')]);
    emu.seed([netpol('shop', 'default-deny', { labels: { changed: 'yes' } })]);
    emu.remove('networking.k8s.io/v1', 'NetworkPolicy', 'shop', 'allow-dns');
    await vi.waitFor(() => expect(history('NetworkPolicy', 'shop', 'allow-dns').map((h) => h.split('@')[0])).toEqual(['upsert', 'delete']), { timeout: 10_000 });
    expect(history('NetworkPolicy', 'shop', 'default-deny')).toHaveLength(2);
    const del = c.values<ResourceEvent>(c.topics.resources).find((e) => e.data.name === 'allow-dns' && e.data.op === 'delete');
    expect(del?.id).toMatch(/@deleted$/);
    // Watches ask for bookmarks.
    expect(emu.requests.some((r) => r.watch && r.query.allowWatchBookmarks === 'true')).toBe(true);
  });

  it('reduces a TLS Secret to its certificate before it leaves the collector, and publishes the certificate', async () => {
    await vi.waitFor(() => expect(history('Secret', 'shop', 'web-tls')).toHaveLength(1), { timeout: 10_000 });
    const raw = c.records(c.topics.resources).map((r) => r.value?.toString() ?? '').find((v) => v.includes('"web-tls"')) ?? '';
    expect(raw).not.toContain(b64(keyPem));
    expect(raw).not.toContain('tls.key');
    expect(raw).not.toContain('PRIVATE KEY');
    const secret = JSON.parse(raw) as ResourceEvent;
    expect(secret.data.object.data).toEqual({ 'tls.crt': b64(certPem) });
    const certs = c.values<{ data: { origin: { kind: string; name?: string } } }>(c.topics.certs);
    expect(certs.some((e) => e.data.origin.kind === 'secret' && e.data.origin.name === 'web-tls')).toBe(true);
    expect(c.records(c.topics.certs).every((r) => !r.value?.toString().includes('PRIVATE KEY'))).toBe(true);
  });

  it('relists after 410 Gone and loses nothing that changed meanwhile', async () => {
    emu.seed([netpol('shop', 'keep'), netpol('shop', 'drop')]);
    await vi.waitFor(() => expect(history('NetworkPolicy', 'shop', 'drop')).toHaveLength(1), { timeout: 10_000 });
    emu.clearRequests();
    emu.expireWatches();
    emu.seed([netpol('shop', 'keep', { labels: { v: '2' } }), netpol('shop', 'new')]);
    emu.remove('networking.k8s.io/v1', 'NetworkPolicy', 'shop', 'drop');
    await vi.waitFor(
      () => {
        expect(history('NetworkPolicy', 'shop', 'keep')).toHaveLength(2);
        expect(history('NetworkPolicy', 'shop', 'new')).toHaveLength(1);
        expect(history('NetworkPolicy', 'shop', 'drop').map((h) => h.split('@')[0])).toEqual(['upsert', 'delete']);
      },
      { timeout: 10_000 },
    );
    // The relist happened, and published nothing twice.
    expect(emu.requests.some((r) => r.path === '/apis/networking.k8s.io/v1/networkpolicies' && !r.watch)).toBe(true);
    expect(history('NetworkPolicy', 'shop', 'default-deny')).toHaveLength(2);
  });

  it('logs a kind whose CRD is not installed once, skips it, and keeps the others running', async () => {
    const watch = c.collector.source<KubeWatchSource>('kube-watch');
    await vi.waitFor(() => expect(watch?.status()).toMatchObject({ CiliumNetworkPolicy: 'absent', Certificate: 'absent', PeerAuthentication: 'watching' }), { timeout: 10_000 });
    const skipped = logLines.filter((l) => String(l.msg).includes('not served'));
    expect(skipped.map((l) => l.kind).sort()).toEqual(['Certificate', 'CiliumNetworkPolicy']);
    emu.seed([netpol('shop', 'still-watched')]);
    await vi.waitFor(() => expect(history('NetworkPolicy', 'shop', 'still-watched')).toHaveLength(1), { timeout: 10_000 });
    expect(logLines.filter((l) => String(l.msg).includes('not served'))).toHaveLength(2);
  });
});
