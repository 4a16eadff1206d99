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
