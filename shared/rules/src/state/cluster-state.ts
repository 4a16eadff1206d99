import type { ZtvEvent } from '@ztv/events';
import type { RulesConfig } from '../config';
import { asKubeObject, type KubeObject } from './kube-object';
import type { PodLike } from './workloads';
import { podTemplatesOf, templateChangeOf } from './pod-templates';
import { ResourceIndex } from './resource-index';
import { keptForRules, sameForRules } from './rule-relevant';

/** What the last k8s.resource event did to the object it names: the object before and after it (undefined: absent). */
export interface ResourceChange {
  event: ZtvEvent;
  before?: KubeObject;
  after?: KubeObject;
}

/** memo's stand-in for a computed `undefined` (one map lookup on a hit, instead of get and then has). */
const NONE: unique symbol = Symbol('none');

/**
 * A value derived from the resource index once, then kept current as objects change (the index's change listener)
 * instead of recomputed per event: which ServiceAccount each Pod runs as, each namespace's mesh enrolment. `build`
 * makes it from the index as it stands; `changed` is called after every later upsert and delete.
 */
export interface KeptIndex<T> {
  build(resources: ResourceIndex): T;
  changed(value: T, kind: string, namespace: string | undefined, name: string, before: KubeObject | undefined, after: KubeObject | undefined): void;
}

/**
 * Rule-owned state that is not a Kubernetes object (newest cert per identity, last clock reading per node, flow
 * windows): a named reducer the engine applies to every event before rules run.
 */
export interface StateSlice<T> {
  name: string;
  /** The event types apply reads; it is not called for others (every event type when absent). */
  on?: readonly ZtvEvent['type'][];
  init(): T;
  apply(state: T, event: ZtvEvent, config: RulesConfig): void;
}

type SliceEntry = { def: StateSlice<unknown>; value: unknown };

/** What the rules of one worker (one set of partitions, or one offline run) know. */
export class ClusterState {
  readonly resources = new ResourceIndex();
  private readonly slices = new Map<string, SliceEntry>();
  /** The slices each event type goes to (apply's loop, for every event), built as types are first seen. */
  private slicesByType = new Map<string, SliceEntry[]>();
  /** Values derived from the state since it last changed (see memo). */
  private readonly derived = new Map<string, unknown>();
  private derivedAt = -1;
  /** memoBy's values: slot → key → value, kept as long as memo's. */
  private readonly derivedBySlot = new Map<string, Map<string, unknown>>();
  /** memoChange's values: per question, the change it was answered for. */
  private readonly changeMemo = new Map<string, { before: KubeObject | undefined; after: KubeObject | undefined; value: unknown }>();
  private changeMemoAt = -1;
  private changeMemoGen = -1;
  /** Counts applies (memoChange's values do not outlive the event they were computed after). */
  private applied = 0;
  /** Values derived from a few kinds (see memoFor), with the versions of those kinds they were computed at. */
  private readonly lasting = new Map<string, { versions: number[]; value: unknown }>();
  private lastChange: ResourceChange | undefined;
  /** The last event applied, when it was an upsert the index kept its object for (see changedNothing). */
  private unchangedBy: ZtvEvent | undefined;
  /** Per namespace, its pod templates as last computed, kept current by the index's change listener (podTemplates). */
  private readonly templates = new Map<string, PodLike[]>();
  /** KeptIndex values (see kept). */
  private readonly keptValues = new Map<KeptIndex<unknown>, unknown>();

  constructor(slices: StateSlice<unknown>[] = []) {
    for (const def of slices) this.slices.set(def.name, { def, value: def.init() });
    this.resources.onChange((kind, ns, name, before, after) => {
      const cached = this.templates.get(ns ?? '');
      if (!cached) return;
      const change = templateChangeOf(this, kind, ns, name, before, after);
      if (change === 'none') return;
      // An update that keeps its entry keeps its place (the index keeps an updated object where it was).
      const i = change === 'other' ? -1 : cached.findIndex((t) => t.owner === change.replace);
      if (i < 0 || change === 'other') this.templates.delete(ns ?? '');
      else this.templates.set(ns ?? '', cached.map((t, j) => (j === i ? change.by : t)));
    });
  }

  /**
   * The pod templates of `ns` (podTemplatesOf): computed once, then kept up to date as objects change — a Pod status
   * update under a ReplicaSet leaves them alone, a workload edit replaces its entry. Shared: do not mutate.
   */
  podTemplates(ns: string): PodLike[] {
    let t = this.templates.get(ns);
    if (!t) this.templates.set(ns, (t = podTemplatesOf(this.resources, ns)));
    return t;
  }

  /** Applies an event: resource upserts/deletes to the index, every event to each slice. */
  apply(event: ZtvEvent, config: RulesConfig): void {
    this.lastChange = undefined;
    this.unchangedBy = undefined;
    this.applied++;
    if (event.type === 'k8s.resource') {
      const d = event.data;
      if (d.op === 'delete') {
        const before = this.resources.delete(d.kind, d.namespace, d.name);
        this.lastChange = before ? { event, before } : { event };
      } else {
        const obj = asKubeObject(d.object);
        const md = obj?.metadata;
        if (!obj) {
          const same = this.resources.get(d.kind, d.namespace, d.name);
          this.lastChange = same ? { event, before: same, after: same } : { event };
        } else if (obj.kind === d.kind && md?.name === d.name && (md.namespace ?? '') === (d.namespace ?? '')) {
          // An update of nothing the rules read (a Pod's conditions, a Deployment's replica counts) keeps the object
          // the state has: to the rules the event changed nothing (see rule-relevant.ts and changedNothing).
          // What the state keeps of an object leaves out the status fields no rule reads (keptForRules).
          const { before, after, stored } = this.resources.upsertUnlessSame(obj, sameForRules, keptForRules);
          if (!stored) this.unchangedBy = event;
          this.lastChange = before ? { event, before, after } : { event, after };
        } else {
          // An object stored under another identity than the event names leaves the change unknown (see changeOf).
          this.resources.upsert(keptForRules(obj));
        }
      }
    }
    for (const s of this.slicesFor(event.type)) s.def.apply(s.value, event, config);
    // Slices changed too.
    if (this.derived.size) this.derived.clear();
    if (this.derivedBySlot.size) this.derivedBySlot.clear();
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
   * True when `event`, the last event applied, was an upsert that left the resource index as it was: the object it
   * carries differs from the one stored only in what no rule reads (sameForRules), so the state kept its own. Rules
   * whose verdicts depend on the index alone need not look at it (RuleEngine.process skips them).
   */
  changedNothing(event: ZtvEvent): boolean {
    return this.unchangedBy === event;
  }

  /**
   * A value derived from the state (a namespace's policy views, its pod templates...), computed once and shared by
   * every rule until the state next changes: several rules re-check the same namespace after one event. `key` must
   * name everything the value depends on besides the state; callers must not mutate what it returns.
   */
  memo<T>(key: string, compute: () => T): T {
    this.freshDerived();
    const hit = this.derived.get(key);
    if (hit !== undefined) return (hit === NONE ? undefined : hit) as T;
    const value = compute();
    this.derived.set(key, value === undefined ? NONE : value);
    return value;
  }

  /**
   * memo under a constant `slot` for a `key` that already exists as a string (a scope the rules were given): no key
   * is built, and a string's hash is computed once, so rules asking after the same scope pay one lookup each.
   */
  memoBy<T>(slot: string, key: string, compute: () => T): T {
    this.freshDerived();
    let values = this.derivedBySlot.get(slot);
    if (!values) this.derivedBySlot.set(slot, (values = new Map()));
    const hit = values.get(key);
    if (hit !== undefined) return (hit === NONE ? undefined : hit) as T;
    const value = compute();
    values.set(key, value === undefined ? NONE : value);
    return value;
  }

  /** Drops memo's and memoBy's values when the index changed outside apply(). */
  private freshDerived(): void {
    if (this.derivedAt !== this.resources.version) {
      this.derived.clear();
      this.derivedBySlot.clear();
      this.derivedAt = this.resources.version;
    }
  }

  /**
   * A value derived from one object change (`before` → `after`, undefined when absent), for the rules that ask the same
   * question about the same change: `slot` names the question (a constant), and the objects' identities stand for the
   * rest of the key, so no key is built or hashed. Kept until the next apply or index change, as memo's values are.
   */
  memoChange<T>(slot: string, before: KubeObject | undefined, after: KubeObject | undefined, compute: () => T): T {
    if (this.changeMemoAt !== this.resources.version || this.changeMemoGen !== this.applied) {
      this.changeMemo.clear();
      this.changeMemoAt = this.resources.version;
      this.changeMemoGen = this.applied;
    }
    const hit = this.changeMemo.get(slot);
    if (hit && hit.before === before && hit.after === after) return hit.value as T;
    const value = compute();
    this.changeMemo.set(slot, { before, after, value });
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

  /** The value of a KeptIndex for this state: built on first use, then kept current by the index's change listener. */
  kept<T>(def: KeptIndex<T>): T {
    // One lookup on the hot path (every flow asks): a kept value is never undefined once built.
    const have = this.keptValues.get(def);
    if (have !== undefined || this.keptValues.has(def)) return have as T;
    const value = def.build(this.resources);
    this.keptValues.set(def, value);
    this.resources.onChange((kind, ns, name, before, after) => def.changed(value, kind, ns, name, before, after));
    return value;
  }

  private slicesFor(type: string): SliceEntry[] {
    let list = this.slicesByType.get(type);
    if (!list) {
      list = [...this.slices.values()].filter((s) => !s.def.on || (s.def.on as readonly string[]).includes(type));
      this.slicesByType.set(type, list);
    }
    return list;
  }

  slice<T>(def: StateSlice<T>): T {
    let s = this.slices.get(def.name);
    if (!s) {
      s = { def: def as StateSlice<unknown>, value: def.init() };
      this.slices.set(def.name, s);
      this.slicesByType = new Map();
    }
    return s.value as T;
  }
}
