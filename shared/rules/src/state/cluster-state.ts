import type { ZtvEvent } from '@ztv/events';
import type { RulesConfig } from '../config';
import { asKubeObject } from './kube-object';
import { ResourceIndex } from './resource-index';

/**
 * Rule-owned state that is not a Kubernetes object (newest cert per identity, last clock reading per node, flow
 * windows): a named reducer the engine applies to every event before rules run.
 */
export interface StateSlice<T> {
  name: string;
  init(): T;
  apply(state: T, event: ZtvEvent, config: RulesConfig): void;
}

/** What the rules of one worker (one set of partitions, or one offline run) know. */
export class ClusterState {
  readonly resources = new ResourceIndex();
  private readonly slices = new Map<string, { def: StateSlice<unknown>; value: unknown }>();
  /** Values derived from the state since it last changed (see memo). */
  private readonly derived = new Map<string, unknown>();
  private derivedAt = -1;
  /** Values derived from a few kinds (see memoFor), with the versions of those kinds they were computed at. */
  private readonly lasting = new Map<string, { versions: number[]; value: unknown }>();

  constructor(slices: StateSlice<unknown>[] = []) {
    for (const def of slices) this.slices.set(def.name, { def, value: def.init() });
  }

  /** Applies an event: resource upserts/deletes to the index, every event to each slice. */
  apply(event: ZtvEvent, config: RulesConfig): void {
    if (event.type === 'k8s.resource') {
      const d = event.data;
      if (d.op === 'delete') this.resources.delete(d.kind, d.namespace, d.name);
      else {
        const obj = asKubeObject(d.object);
        if (obj) this.resources.upsert(obj);
      }
    }
    for (const s of this.slices.values()) s.def.apply(s.value, event, config);
    this.derived.clear(); // slices changed too
  }

  /**
   * A value derived from the state (a namespace's policy views, its pod templates...), computed once and shared by
   * every rule until the state next changes: several rules re-check the same namespace after one event. `key` must
   * name everything the value depends on besides the state; callers must not mutate what it returns.
   */
  memo<T>(key: string, compute: () => T): T {
    if (this.derivedAt !== this.resources.version) {
      this.derived.clear(); // the index changed outside apply()
      this.derivedAt = this.resources.version;
    }
    if (this.derived.has(key)) return this.derived.get(key) as T;
    const value = compute();
    this.derived.set(key, value);
    return value;
  }

  /**
   * A value derived only from objects of some kinds in some namespaces (`deps`: [kind, namespace], '' for
   * cluster-scoped kinds), kept across events until one of those changes: a namespace's NetworkPolicy views survive
   * the Pod churn around them. `compute` must read nothing else from the state; callers must not mutate the value.
   */
  memoFor<T>(key: string, deps: readonly (readonly [string, string])[], compute: () => T): T {
    const versions = deps.map(([kind, ns]) => this.resources.versionOf(kind, ns));
    const hit = this.lasting.get(key);
    if (hit && hit.versions.length === versions.length && hit.versions.every((v, i) => v === versions[i])) return hit.value as T;
    const value = compute();
    this.lasting.set(key, { versions, value });
    return value;
  }

  slice<T>(def: StateSlice<T>): T {
    let s = this.slices.get(def.name);
    if (!s) {
      s = { def: def as StateSlice<unknown>, value: def.init() };
      this.slices.set(def.name, s);
    }
    return s.value as T;
  }
}
