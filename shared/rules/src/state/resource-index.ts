import type { KubeObject } from './kube-object';

const CLUSTER = '';

const controllerRef = (obj: KubeObject) => obj.metadata.ownerReferences?.find((o) => o.controller);

/** True when `obj` names `kind` `name` as its controller, or — for a Deployment — one of its ReplicaSets by pod-template-hash. */
function controls(obj: KubeObject, kind: string, name: string): boolean {
  const ref = controllerRef(obj);
  if (!ref) return false;
  if (ref.kind === kind && ref.name === name) return true;
  const hash = kind === 'Deployment' && ref.kind === 'ReplicaSet' ? obj.metadata.labels?.['pod-template-hash'] : undefined;
  return !!hash && ref.name === `${name}-${hash}`;
}

/** True when two versions of an object name the same controller, with the same pod-template-hash. */
export function sameController(a: KubeObject, b: KubeObject): boolean {
  const ra = controllerRef(a);
  const rb = controllerRef(b);
  if (ra?.kind !== rb?.kind || ra?.name !== rb?.name) return false;
  return a.metadata.labels?.['pod-template-hash'] === b.metadata.labels?.['pod-template-hash'];
}

/** A change to kind namespace/name: the object before and after it (undefined: absent); the index has changed already. */
export type ChangeListener = (kind: string, namespace: string | undefined, name: string, before: KubeObject | undefined, after: KubeObject | undefined) => void;

/** Every object seen, by kind → namespace → name. Cluster-scoped objects live under namespace ''. */
export class ResourceIndex {
  private readonly byKind = new Map<string, Map<string, Map<string, KubeObject>>>();
  /** namespaces(), cached: rebuilt only after a namespace key or a Namespace object appears or goes (rare). */
  private namespaceCache: { sorted: string[]; set: Set<string> } | undefined;
  private changes = 0;
  /** Changes per kind and namespace (kind → namespace → count), for values that depend on a few kinds only. */
  private readonly kindChanges = new Map<string, Map<string, number>>();
  /**
   * Per controller kind, how many objects name one of that kind as their controller (a Pod's tie to its Deployment
   * through the pod-template-hash counts for Deployment too): most kinds (Pods) never control anything, so
   * hasControlled answers them at once. Counted per kind only — a count per controller, kept on every Pod created or
   * deleted, cost a lookup in a large cold map per tie (≈2 µs a Pod change), for a question asked only when a workload
   * is created or deleted.
   */
  private readonly controlledByKind = new Map<string, number>();
  private readonly listeners: ChangeListener[] = [];

  /** Counts upserts and deletes: anything derived from the index is stale once it moves. */
  get version(): number {
    return this.changes;
  }

  /** Counts upserts and deletes of one kind in one namespace ('' for cluster-scoped kinds). */
  versionOf(kind: string, namespace: string | undefined): number {
    return this.kindChanges.get(kind)?.get(namespace ?? CLUSTER) ?? 0;
  }

  private changed(kind: string, namespace: string | undefined): void {
    this.changes++;
    // Nested maps, not a `kind\nnamespace` key: every upsert and delete counts, and a built key costs a concatenation and its hash.
    let byNamespace = this.kindChanges.get(kind);
    if (!byNamespace) this.kindChanges.set(kind, (byNamespace = new Map()));
    const ns = namespace ?? CLUSTER;
    byNamespace.set(ns, (byNamespace.get(ns) ?? 0) + 1);
  }

  /**
   * True when some object names `kind` namespace/name as its controller, or — for a Deployment — names one of its
   * ReplicaSets by pod-template-hash (`<deployment>-<hash>`), which is how a Pod is tied to a Deployment whose
   * ReplicaSet was never seen.
   */
  hasControlled(kind: string, namespace: string | undefined, name: string): boolean {
    if (!this.controlledByKind.get(kind)) return false;
    // Owner references are namespace-local: only objects of the same namespace can name it.
    const ns = namespace ?? CLUSTER;
    for (const byNamespace of this.byKind.values()) {
      const names = byNamespace.get(ns);
      if (names) for (const obj of names.values()) if (controls(obj, kind, name)) return true;
    }
    return false;
  }

  private countControllers(obj: KubeObject, by: 1 | -1): void {
    const ref = controllerRef(obj);
    if (!ref) return;
    this.countController(ref.kind, by);
    const hash = obj.metadata.labels?.['pod-template-hash'];
    if (ref.kind === 'ReplicaSet' && hash && ref.name.endsWith(`-${hash}`)) this.countController('Deployment', by);
  }

  private countController(kind: string, by: 1 | -1): void {
    this.controlledByKind.set(kind, Math.max(0, (this.controlledByKind.get(kind) ?? 0) + by));
  }

  /** Stores `obj` under its kind, namespace and name; returns what was stored there before. */
  upsert(obj: KubeObject): KubeObject | undefined {
    const names = this.byKind.get(obj.kind)?.get(obj.metadata.namespace ?? CLUSTER);
    const old = names?.get(obj.metadata.name);
    this.store(obj, old, names);
    return old;
  }

  /**
   * upsert, unless the object stored under the same kind, namespace and name is `same` as `obj` (same(stored, obj)):
   * then the index keeps what it has and nothing changes — no version moves, no listener is called. Otherwise it stores
   * keep(obj), what of `obj` it should hold. Returns what was stored there before and what is there now (`before`
   * again when nothing changed).
   */
  upsertUnlessSame(
    obj: KubeObject,
    same: (stored: KubeObject, obj: KubeObject) => boolean,
    keep: (obj: KubeObject) => KubeObject,
  ): { before: KubeObject | undefined; after: KubeObject; stored: boolean } {
    const names = this.byKind.get(obj.kind)?.get(obj.metadata.namespace ?? CLUSTER);
    const old = names?.get(obj.metadata.name);
    if (old && same(old, obj)) return { before: old, after: old, stored: false };
    const kept = keep(obj);
    this.store(kept, old, names);
    return { before: old, after: kept, stored: true };
  }

  /**
   * Stores `obj` in place of `old`, what is stored under its name now (undefined: nothing), in `found`: the name map of
   * its kind and namespace when the caller's lookup found one (else it is made here).
   */
  private store(obj: KubeObject, old: KubeObject | undefined, found: Map<string, KubeObject> | undefined): void {
    const ns = obj.metadata.namespace ?? CLUSTER;
    this.changed(obj.kind, obj.metadata.namespace);
    let names = found;
    if (!names) {
      let kinds = this.byKind.get(obj.kind);
      if (!kinds) this.byKind.set(obj.kind, (kinds = new Map()));
      kinds.set(ns, (names = new Map()));
      this.namespaceCache = undefined;
    }
    if (obj.kind === 'Namespace' && !old) this.namespaceCache = undefined;
    // Most updates keep the controller (a status change): the counts stay as they are.
    if (!old || !sameController(old, obj)) {
      if (old) this.countControllers(old, -1);
      this.countControllers(obj, 1);
    }
    names.set(obj.metadata.name, obj);
    for (const l of this.listeners) l(obj.kind, obj.metadata.namespace, obj.metadata.name, old, obj);
  }

  delete(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    this.changed(kind, namespace);
    const names = this.byKind.get(kind)?.get(namespace ?? CLUSTER);
    const old = names?.get(name);
    names?.delete(name);
    if (old) {
      this.countControllers(old, -1);
      for (const l of this.listeners) l(kind, namespace, name, old, undefined);
    }
    if (kind === 'Namespace' && old) this.namespaceCache = undefined;
    return old;
  }

  /** Calls `listener` after every upsert, and every delete of an object that was there. */
  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.byKind.get(kind)?.get(namespace ?? CLUSTER)?.get(name);
  }

  /** Objects of a kind in one namespace, or in all namespaces when `namespace` is undefined. */
  list(kind: string, namespace?: string): KubeObject[] {
    const kinds = this.byKind.get(kind);
    if (!kinds) return [];
    if (namespace !== undefined) return [...(kinds.get(namespace)?.values() ?? [])];
    const out: KubeObject[] = [];
    for (const names of kinds.values()) out.push(...names.values());
    return out;
  }

  /** Namespaces known: Namespace objects plus any namespace an object was seen in (sorted; frozen, shared). */
  namespaces(): string[] {
    return this.knownNamespaces().sorted;
  }

  /** True when namespaces() includes `ns`, without copying it. */
  hasNamespace(ns: string): boolean {
    return this.knownNamespaces().set.has(ns);
  }

  private knownNamespaces(): { sorted: string[]; set: Set<string> } {
    if (this.namespaceCache) return this.namespaceCache;
    const set = new Set<string>();
    for (const ns of this.byKind.get('Namespace')?.get(CLUSTER)?.keys() ?? []) set.add(ns);
    for (const kinds of this.byKind.values()) for (const ns of kinds.keys()) if (ns !== CLUSTER) set.add(ns);
    // Frozen: every caller shares the array until the next change, so a caller that sorts or pushes must copy it.
    this.namespaceCache = { sorted: Object.freeze([...set].sort()) as string[], set };
    return this.namespaceCache;
  }

  count(): number {
    let n = 0;
    for (const kinds of this.byKind.values()) for (const names of kinds.values()) n += names.size;
    return n;
  }
}
