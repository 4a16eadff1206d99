import { readFileSync } from 'node:fs';
import type { Signal } from '@ztv/events';
import { parseAllDocuments } from 'yaml';
import { defaultRulesConfig, type RulesConfig } from '../../config';
import { RuleEngine } from '../../engine/engine';
import type { Rule } from '../../engine/types';
import type { KubeObject } from '../../state/kube-object';
import { at, resourceEvent } from '../../testing';

/* Test support for the network and mesh rule tests (imported by *.test.ts only). */

export { fixturesRoot as FIXTURES } from '../../peers/fixtures';
export const NOW = '2026-03-14T09:00:00Z';

/** Every document of a YAML manifest file, as objects; `namespace` fills metadata.namespace where absent (kubectl -n). */
export function loadManifests(path: string, namespace?: string): KubeObject[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJS() as KubeObject | null);
  return docs
    .filter((d): d is KubeObject => !!d && typeof d === 'object' && !!d.kind)
    .map((d) => (namespace && !d.metadata.namespace && d.kind !== 'Namespace' && !d.kind.startsWith('CiliumClusterwide') ? { ...d, metadata: { ...d.metadata, namespace } } : d));
}

export function namespace(name: string, labels: Record<string, string> = {}, annotations?: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels }, ...(annotations ? { annotations } : {}) },
  };
}

/** A RuleEngine over `rules` with a fixed clock, and helpers that feed objects and collect signals. */
export function harness(rules: Rule | Rule[], config: RulesConfig = defaultRulesConfig()) {
  const engine = new RuleEngine({ rules: Array.isArray(rules) ? rules : [rules], config, cluster: 'test', clock: at(NOW) });
  const run = (objs: KubeObject[], op: 'upsert' | 'delete') => objs.flatMap((o) => engine.process(resourceEvent(o, op, NOW)).signals);
  return {
    engine,
    apply: (...objs: KubeObject[]): Signal[] => run(objs, 'upsert'),
    remove: (...objs: KubeObject[]): Signal[] => run(objs, 'delete'),
    /** A full evaluation of every scope (what `ztv evaluate` does). */
    evaluateAll: (): Signal[] => engine.evaluateAll({ id: 'tick-1', type: 'tick', time: NOW }).signals,
  };
}

export const firing = (s: Signal[], ruleId?: string) => s.filter((x) => x.transition === 'firing' && (!ruleId || x.ruleId === ruleId));
export const resolved = (s: Signal[], ruleId?: string) => s.filter((x) => x.transition === 'resolved' && (!ruleId || x.ruleId === ruleId));

/** A copy of `obj` with `edit` applied to a deep clone (the next version of a manifest). */
export function edited<T extends KubeObject>(obj: T, edit: (o: T) => void): T {
  const copy = structuredClone(obj);
  edit(copy);
  return copy;
}
