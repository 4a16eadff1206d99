import type { JsonObject } from './json';
import type { ResourceType } from './registry';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** A committed change. `previous` lets watches with selectors turn a MODIFIED into ADDED or DELETED. */
export interface StoreEvent {
  type: EventType;
  rv: number;
  resource: ResourceType;
  object: JsonObject;
  previous?: JsonObject;
}

export interface StoreListener {
  onEvent(e: StoreEvent): void;
  /** The history a watch stands on is gone (expireWatches()): end the watch with 410. */
  onExpire(): void;
}

const keyOf = (t: ResourceType, namespace: string | undefined, name: string): string =>
  `${t.group}/${t.plural}/${namespace ?? ''}/${name}`;

const metaOf = (o: JsonObject): JsonObject => o.metadata as JsonObject;

/**
 * Objects plus the change history that watches replay. One resourceVersion counter spans every kind, as etcd's
 * revision does; objects are stored in the kind's first version and handed out as deep copies.
 */
export class ObjectStore {
  private rv = 0;
  private readonly objects = new Map<string, JsonObject>();
  private history: StoreEvent[] = [];
  /** Every event with rv <= compactedRv is gone; a watch from before it gets 410. */
  private compactedRv = 0;
  private readonly listeners = new Set<StoreListener>();

  constructor(private readonly historyLimit: number) {}

  get resourceVersion(): number {
    return this.rv;
  }

  get oldestAvailable(): number {
    return this.compactedRv;
  }

  get(t: ResourceType, namespace: string | undefined, name: string): JsonObject | undefined {
    const o = this.objects.get(keyOf(t, t.namespaced ? namespace : undefined, name));
    return o && structuredClone(o);
  }

  /** Objects of a kind, in one namespace or all, in key order (namespace, then name) like etcd. */
  list(t: ResourceType, namespace?: string): JsonObject[] {
    const prefix =
      namespace !== undefined && t.namespaced
        ? `${t.group}/${t.plural}/${namespace}/`
        : `${t.group}/${t.plural}/`;
    return [...this.objects.entries()]
      .filter(([k]) => k.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, o]) => structuredClone(o));
  }

  /** Persists a change under the next resourceVersion, records it and tells the watches. */
  commit(t: ResourceType, type: EventType, object: JsonObject, previous?: JsonObject): JsonObject {
    const rv = ++this.rv;
    const stored = structuredClone(object);
    metaOf(stored).resourceVersion = String(rv);
    const key = keyOf(t, metaOf(stored).namespace as string | undefined, String(metaOf(stored).name));
    if (type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, stored);
    const event: StoreEvent = { type, rv, resource: t, object: stored, ...(previous ? { previous } : {}) };
    this.history.push(event);
    while (this.history.length > this.historyLimit) this.compactedRv = this.history.shift()!.rv;
    for (const l of this.listeners) l.onEvent(event);
    return structuredClone(stored);
  }

  /** Events after `rv`, or undefined when some of them were compacted away. */
  eventsAfter(rv: number): StoreEvent[] | undefined {
    if (rv < this.compactedRv) return undefined;
    return this.history.filter((e) => e.rv > rv);
  }

  subscribe(l: StoreListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /**
   * Forgets all history (as an etcd compaction would) and moves the revision on, so every resourceVersion
   * handed out so far is too old: running watches end with 410 and new watches from those versions get 410.
   */
  expire(): void {
    this.rv++;
    this.compactedRv = this.rv;
    this.history = [];
    for (const l of [...this.listeners]) l.onExpire();
  }
}
