import type { KubeObject } from './kube-object';

const CLUSTER = '';

/** Every object seen, by kind → namespace → name. Cluster-scoped objects live under namespace ''. */
export class ResourceIndex {
  private readonly byKind = new Map<string, Map<string, Map<string, KubeObject>>>();

  upsert(obj: KubeObject): void {
    const ns = obj.metadata.namespace ?? CLUSTER;
    let kinds = this.byKind.get(obj.kind);
    if (!kinds) this.byKind.set(obj.kind, (kinds = new Map()));
    let names = kinds.get(ns);
    if (!names) kinds.set(ns, (names = new Map()));
    names.set(obj.metadata.name, obj);
  }

  delete(kind: string, namespace: string | undefined, name: string): KubeObject | undefined {
    const names = this.byKind.get(kind)?.get(namespace ?? CLUSTER);
    const old = names?.get(name);
    names?.delete(name);
    return old;
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

  /** Namespaces known: Namespace objects plus any namespace an object was seen in. */
  namespaces(): string[] {
    const out = new Set<string>();
    for (const ns of this.byKind.get('Namespace')?.get(CLUSTER)?.keys() ?? []) out.add(ns);
    for (const kinds of this.byKind.values()) for (const ns of kinds.keys()) if (ns !== CLUSTER) out.add(ns);
    return [...out].sort();
  }

  count(): number {
    let n = 0;
    for (const kinds of this.byKind.values()) for (const names of kinds.values()) n += names.size;
    return n;
  }
}
