import { Watch, makeInformer, type KubeConfig, type V1ConfigMap } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startK8sEmulator, type K8sEmulator, type KubeObject } from '../../../test/support/k8s-emulator';
import { createKubeClients, type KubeClients } from './clients';
import { loadKubeConfig } from './config';

let emu: K8sEmulator;
let kc: KubeConfig;
let k: KubeClients;
const aborts: AbortController[] = [];

beforeAll(async () => {
  emu = await startK8sEmulator({ bookmarkIntervalMs: 100 });
  kc = loadKubeConfig({ kubeconfigPath: emu.kubeconfigPath });
  k = createKubeClients(kc);
});
afterEach(() => {
  for (const a of aborts.splice(0)) a.abort();
});
afterAll(() => emu.close());

const cm = (
  ns: string,
  name: string,
  labels: Record<string, string> = {},
  data: Record<string, string> = {},
): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns, labels },
  data,
});

interface Seen {
  type: string;
  name: string | undefined;
  rv: string | undefined;
  code?: number;
}

/** Starts a client-node Watch and collects what it sees. */
async function watch(path: string, query: Record<string, string | boolean | number | undefined>) {
  const events: Seen[] = [];
  let done: { err: unknown } | undefined;
  const ctl = await new Watch(kc).watch(
    path,
    query,
    (type, obj: { metadata?: { name?: string; resourceVersion?: string }; code?: number }) =>
      events.push({
        type,
        name: obj.metadata?.name,
        rv: obj.metadata?.resourceVersion,
        ...(obj.code ? { code: obj.code } : {}),
      }),
    (err) => (done = { err }),
  );
  aborts.push(ctl);
  return { events, isDone: () => done, ctl };
}

const kinds = (events: Seen[]) =>
  events.filter((e) => e.type !== 'BOOKMARK').map((e) => `${e.type} ${e.name}`);

describe('Watch', () => {
  it('streams ADDED, MODIFIED and DELETED for client writes, and BOOKMARKs when asked', async () => {
    const rv = emu.resourceVersion();
    const w = await watch('/api/v1/namespaces/w1/configmaps', {
      resourceVersion: rv,
      allowWatchBookmarks: true,
    });
    await k.core.createNamespacedConfigMap({ namespace: 'w1', body: { metadata: { name: 'a' } } });
    await k.core.replaceNamespacedConfigMap({
      namespace: 'w1',
      name: 'a',
      body: { metadata: { name: 'a' }, data: { x: '1' } },
    });
    await k.core.deleteNamespacedConfigMap({ namespace: 'w1', name: 'a' });
    await k.core.createNamespacedConfigMap({ namespace: 'elsewhere', body: { metadata: { name: 'b' } } });
    // A bookmark carries the current resourceVersion: everything up to it has been delivered.
    const now = emu.resourceVersion();
    await vi.waitFor(() => expect(w.events.some((e) => e.type === 'BOOKMARK' && e.rv === now)).toBe(true));
    expect(kinds(w.events)).toEqual(['ADDED a', 'MODIFIED a', 'DELETED a']);
  });

  it('without a resourceVersion starts with the current objects; with an old one replays what came after', async () => {
    emu.seed([cm('w2', 'one')]);
    const mid = emu.resourceVersion();
    emu.seed([cm('w2', 'two'), cm('w2', 'one', {}, { changed: 'yes' })]);
    const fresh = await watch('/api/v1/namespaces/w2/configmaps', {});
    const replay = await watch('/api/v1/namespaces/w2/configmaps', { resourceVersion: mid });
    await vi.waitFor(() => expect(kinds(fresh.events)).toEqual(['ADDED one', 'ADDED two']));
    await vi.waitFor(() => expect(kinds(replay.events)).toEqual(['ADDED two', 'MODIFIED one']));
  });

  it('with a label selector, objects moving in and out of it are ADDED and DELETED', async () => {
    const w = await watch('/api/v1/configmaps', {
      resourceVersion: emu.resourceVersion(),
      labelSelector: 'watched=yes',
    });
    emu.seed([cm('w3', 'x', { watched: 'no' })]);
    emu.seed([cm('w3', 'x', { watched: 'yes' })]);
    emu.seed([cm('w3', 'x', { watched: 'yes' }, { d: '1' })]);
    emu.seed([cm('w3', 'x', { watched: 'no' })]);
    await vi.waitFor(() => expect(kinds(w.events)).toEqual(['ADDED x', 'MODIFIED x', 'DELETED x']));
  });

  it('ends after timeoutSeconds', async () => {
    const w = await watch('/api/v1/namespaces/w4/configmaps', { timeoutSeconds: 1 });
    await vi.waitFor(() => expect(w.isDone()).toEqual({ err: null }), { timeout: 3000 });
  });

  it('a resourceVersion older than the retained history gets an ERROR event with a 410 Status', async () => {
    const small = await startK8sEmulator({ historyLimit: 2 });
    try {
      const smallKc = loadKubeConfig({ kubeconfigPath: small.kubeconfigPath });
      small.seed([cm('w5', 'a'), cm('w5', 'b'), cm('w5', 'c'), cm('w5', 'd')]);
      const events: Seen[] = [];
      let done: unknown = 'not yet';
      const ctl = await new Watch(smallKc).watch(
        '/api/v1/namespaces/w5/configmaps',
        { resourceVersion: '1' },
        (type, obj: { code?: number; reason?: string }) =>
          events.push({ type, name: obj.reason, rv: undefined, code: obj.code }),
        (err) => (done = err),
      );
      aborts.push(ctl);
      await vi.waitFor(() => expect(done).toBeNull());
      expect(events).toEqual([{ type: 'ERROR', name: 'Expired', rv: undefined, code: 410 }]);
    } finally {
      await small.close();
    }
  });

  it('expireWatches() ends running watches with 410 and refuses the versions handed out so far', async () => {
    emu.seed([cm('w6', 'a')]);
    const rv = emu.resourceVersion();
    const w = await watch('/api/v1/namespaces/w6/configmaps', { resourceVersion: rv });
    emu.expireWatches();
    await vi.waitFor(() => expect(w.isDone()).toEqual({ err: null }));
    expect(w.events).toEqual([{ type: 'ERROR', name: undefined, rv: undefined, code: 410 }]);
    const again = await watch('/api/v1/namespaces/w6/configmaps', { resourceVersion: rv });
    await vi.waitFor(() => expect(again.events.map((e) => e.code)).toEqual([410]));
    const list = await k.core.listNamespacedConfigMap({ namespace: 'w6' });
    const resumed = await watch('/api/v1/namespaces/w6/configmaps', {
      resourceVersion: list.metadata?.resourceVersion,
    });
    emu.seed([cm('w6', 'b')]);
    await vi.waitFor(() => expect(kinds(resumed.events)).toEqual(['ADDED b']));
  });
});

describe('informer (makeInformer / ListWatch)', () => {
  const startInformer = async (ns: string) => {
    const informer = makeInformer<V1ConfigMap>(kc, `/api/v1/namespaces/${ns}/configmaps`, () =>
      k.core.listNamespacedConfigMap({ namespace: ns }),
    );
    const log: string[] = [];
    informer.on('add', (o) => log.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => log.push(`update ${o.metadata?.name}`));
    informer.on('delete', (o) => log.push(`delete ${o.metadata?.name}`));
    informer.on('error', (e) => log.push(`error ${String(e)}`));
    await informer.start();
    return { informer, log };
  };
  const cacheOf = (informer: { list(ns?: string): readonly V1ConfigMap[] }) =>
    informer
      .list()
      .map((o) => `${o.metadata?.name}:${JSON.stringify(o.data ?? {})}`)
      .sort();
  const storeOf = (ns: string) =>
    emu
      .list('v1', 'ConfigMap', ns)
      .map((o) => `${o.metadata.name}:${JSON.stringify(o.data ?? {})}`)
      .sort();

  it('gets the initial list and then every change', async () => {
    emu.seed([cm('inf1', 'a'), cm('inf1', 'b')]);
    const { informer, log } = await startInformer('inf1');
    try {
      expect(log).toEqual(['add a', 'add b']);
      await k.core.createNamespacedConfigMap({ namespace: 'inf1', body: { metadata: { name: 'c' } } });
      emu.seed([cm('inf1', 'a', {}, { v: '2' })]);
      emu.remove('v1', 'ConfigMap', 'inf1', 'b');
      await vi.waitFor(() => expect(log).toEqual(['add a', 'add b', 'add c', 'update a', 'delete b']));
      expect(cacheOf(informer)).toEqual(storeOf('inf1'));
    } finally {
      await informer.stop();
    }
  });

  it('after a 410 during the watch it relists and loses nothing', async () => {
    emu.seed([cm('inf2', 'keep'), cm('inf2', 'change'), cm('inf2', 'drop')]);
    const { informer, log } = await startInformer('inf2');
    try {
      emu.clearRequests();
      emu.expireWatches();
      // Changes made before the informer relists: only the relist can reveal them.
      emu.seed([cm('inf2', 'change', {}, { v: '2' }), cm('inf2', 'new')]);
      emu.remove('v1', 'ConfigMap', 'inf2', 'drop');
      await vi.waitFor(() => expect(cacheOf(informer)).toEqual(storeOf('inf2')));
      expect(log.slice(3).sort()).toEqual(['add new', 'delete drop', 'update change']);
      const relists = emu.requests.filter((r) => r.path === '/api/v1/namespaces/inf2/configmaps' && !r.watch);
      expect(relists).toHaveLength(1);
      // And the new watch is live.
      emu.seed([cm('inf2', 'later')]);
      await vi.waitFor(() => expect(log).toContain('add later'));
    } finally {
      await informer.stop();
    }
  });

  it('relists when the watch request itself is answered 410 Gone', async () => {
    emu.seed([cm('inf3', 'a')]);
    const { informer, log } = await startInformer('inf3');
    try {
      emu.setFault({ path: '/api/v1/namespaces/inf3/configmaps', watch: true }, { status: 410, times: 1 });
      emu.seed([cm('inf3', 'b')]);
      emu.expireWatches();
      await vi.waitFor(() => expect(cacheOf(informer)).toEqual(storeOf('inf3')));
      expect(log.filter((l) => l.startsWith('error'))).toEqual([]);
    } finally {
      await informer.stop();
    }
  });
});
