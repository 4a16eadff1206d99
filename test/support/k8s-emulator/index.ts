import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Discovery } from './discovery';
import { Faults, type FaultAction, type FaultMatch } from './faults';
import { renderKubeconfig } from './kubeconfig';
import { present } from './objects';
import { splitApiVersion } from './registry';
import { seedObject, typeOf, type KubeObject, type SeedInput } from './seed';
import { createEmulatorServer, type RecordedRequest } from './server';
import { ObjectStore } from './store';

export type { FaultAction, FaultMatch } from './faults';
export type { KubeObject, SeedInput } from './seed';
export type { RecordedRequest } from './server';

export interface K8sEmulatorOptions {
  /** 0 (default): any free port. */
  port?: number;
  /** Bearer token the kubeconfig carries and the emulator requires; random by default. */
  token?: string;
  /** Namespace of the kubeconfig context (default 'default'). */
  namespace?: string;
  /** How often watches that asked for bookmarks get one (default 1000 ms; tests use ~200 ms). */
  bookmarkIntervalMs?: number;
  /** Change events kept for watches to resume from; older resourceVersions get 410 (default 1000). */
  historyLimit?: number;
  /** API groups to serve as if their CRDs were not installed: 404 and absent from discovery. */
  absentGroups?: string[];
}

export interface K8sEmulator {
  /** http://127.0.0.1:<port> */
  url: string;
  token: string;
  /** A kubeconfig file (in a temp dir removed on close) pointing at the emulator. */
  kubeconfigPath: string;
  kubeconfig: string;
  /** Creates or replaces objects directly (no HTTP); status is kept as given. */
  seed<T extends SeedInput>(objects: readonly T[], options?: { fieldManager?: string }): KubeObject[];
  get(apiVersion: string, kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  /** Deletes an object directly; watches see DELETED. False when it did not exist. */
  remove(apiVersion: string, kind: string, namespace: string | undefined, name: string): boolean;
  /** Current resourceVersion (one counter for all kinds). */
  resourceVersion(): string;
  /** Running watches get an ERROR event with a 410 Expired Status and end; resuming from any version handed out so far gets 410 too. */
  expireWatches(): void;
  /** Injects a failure for matching requests; returns a function that removes it. */
  setFault(match: FaultMatch, action: FaultAction): () => void;
  clearFaults(): void;
  /** Serve a group as if its CRDs were missing (true) or installed (false). */
  setGroupAbsent(group: string, absent?: boolean): void;
  /** Every request received, in order (live array). */
  readonly requests: readonly RecordedRequest[];
  clearRequests(): void;
  close(): Promise<void>;
}

/** Starts the Kubernetes API emulator on 127.0.0.1 and writes a kubeconfig for it. See README.md. */
export async function startK8sEmulator(options: K8sEmulatorOptions = {}): Promise<K8sEmulator> {
  const token = options.token ?? randomBytes(16).toString('hex');
  const store = new ObjectStore(options.historyLimit ?? 1000);
  const absent = new Set(options.absentGroups ?? []);
  let address = '';
  const discovery = new Discovery(absent, () => address);
  const faults = new Faults();
  const requests: RecordedRequest[] = [];
  const openWatches = new Set<ServerResponse>();
  const server = createEmulatorServer({
    store,
    discovery,
    faults,
    token,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 1000,
    requests,
    openWatches,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `http://${address}`;
  const dir = await mkdtemp(join(tmpdir(), 'ztv-k8s-emulator-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  const kubeconfig = renderKubeconfig(url, token, options.namespace ?? 'default');
  await writeFile(kubeconfigPath, kubeconfig, { mode: 0o600 });

  const version = (apiVersion: string): string => splitApiVersion(apiVersion).version;
  return {
    url,
    token,
    kubeconfigPath,
    kubeconfig,
    seed: (objects, opts) => objects.map((o) => seedObject(store, o, opts?.fieldManager ?? 'seed')),
    get(apiVersion, kind, namespace, name) {
      const t = typeOf(apiVersion, kind);
      const o = store.get(t, namespace, name);
      return o && (present(t, version(apiVersion), o) as KubeObject);
    },
    list(apiVersion, kind, namespace) {
      const t = typeOf(apiVersion, kind);
      return store.list(t, namespace).map((o) => present(t, version(apiVersion), o) as KubeObject);
    },
    remove(apiVersion, kind, namespace, name) {
      const t = typeOf(apiVersion, kind);
      const o = store.get(t, namespace, name);
      if (o) store.commit(t, 'DELETED', o, o);
      return o !== undefined;
    },
    resourceVersion: () => String(store.resourceVersion),
    expireWatches: () => store.expire(),
    setFault: (match, action) => faults.add(match, action),
    clearFaults: () => faults.clear(),
    setGroupAbsent: (group, isAbsent = true) => void (isAbsent ? absent.add(group) : absent.delete(group)),
    requests,
    clearRequests: () => void requests.splice(0),
    async close() {
      for (const res of openWatches) res.end();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rm(dir, { recursive: true, force: true });
    },
  };
}
