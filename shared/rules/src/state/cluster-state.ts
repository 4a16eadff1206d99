import type { ZtvEvent } from '@ztv/events';
import type { RulesConfig } from '../config';
import { asKubeObject, type KubeObject } from './kube-object';
import { podTemplatesMayChange } from './pod-templates';
import { ResourceIndex } from './resource-index';

/** What the last k8s.resource event did to the object it names: the object before and after it (undefined: absent). */
export interface ResourceChange {
  event: ZtvEvent;
  before?: KubeObject;
  after?: KubeObject;
}

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
  /** slices' values, as an array for apply's loop (every event goes through it). */
  private sliceList: { def: StateSlice<unknown>; value: unknown }[] = [];
  /** Values derived from the state since it last changed (see memo). */
  private readonly derived = new Map<string, unknown>();
  private derivedAt = -1;
  /** Values derived from a few kinds (see memoFor), with the versions of those kinds they were computed at. */
  private readonly lasting = new Map<string, { versions: number[]; value: unknown }>();
  private lastChange: ResourceChange | undefined;
  /** Per namespace, a number that moves whenever its pod templates may have changed (see podTemplatesVersion). */
  private readonly templateVersions = new Map<string, number>();
  private versionSeq = 0;
  /** Values kept until one version number moves (see memoVersion). */
  private readonly versioned = new Map<string, { version: number; value: unknown }>();

  constructor(slices: StateSlice<unknown>[] = []) {
    for (const def of slices) this.slices.set(def.name, { def, value: def.init() });
    this.sliceList = [...this.slices.values()];
    this.resources.onChange((kind, ns, name, before, after) => {
      if (podTemplatesMayChange(this.resources, kind, ns, name, before, after)) this.templateVersions.set(ns ?? '', ++this.versionSeq);
    });
  }

  /**
   * A number that moves whenever a change may have changed the pod templates of `ns` (the workloads and the Pods no
   * workload stands for, see podTemplatesIn): a Pod status update under a ReplicaSet leaves it alone.
   */
  podTemplatesVersion(ns: string): number {
    return this.templateVersions.get(ns) ?? 0;
  }

  /** A value kept until `version` moves (callers name in `key` everything else it depends on); callers must not mutate it. */
  memoVersion<T>(key: string, version: number, compute: () => T): T {
    const hit = this.versioned.get(key);
    if (hit && hit.version === version) return hit.value as T;
    const value = compute();
    this.versioned.set(key, { version, value });
    return value;
  }

  /** Applies an event: resource upserts/deletes to the index, every event to each slice. */
  apply(event: ZtvEvent, config: RulesConfig): void {
    this.lastChange = undefined;
    if (event.type === 'k8s.resource') {
      const d = event.data;
      const before = this.resources.get(d.kind, d.namespace, d.name);
      if (d.op === 'delete') {
        this.resources.delete(d.kind, d.namespace, d.name);
        this.lastChange = { event, ...(before ? { before } : {}) };
      } else {
        const obj = asKubeObject(d.object);
        if (obj) this.resources.upsert(obj);
        // An object stored under another identity than the event names leaves the change unknown (see changeOf).
        const after = this.resources.get(d.kind, d.namespace, d.name);
        if (!obj || after === obj) this.lastChange = { event, ...(before ? { before } : {}), ...(after ? { after } : {}) };
      }
    }
    for (const s of this.sliceList) s.def.apply(s.value, event, config);
    if (this.derived.size) this.derived.clear(); // slices changed too
  }

  /**
   * The object a k8s.resource event replaced or deleted and what is there now, when `event` is the last event applied;
   * undefined otherwise (the caller must then assume anything changed). Lets a rule skip a re-check when the change
   * cannot alter its verdict (a Pod status update).
   */
  changeOf(event: ZtvEvent): ResourceChange | undefined {
    return this.lastChange?.event === event ? this.lastChange : undefined;
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
      this.sliceList = [...this.slices.values()];
    }
    return s.value as T;
  }
}
