import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { FixtureObject, ObjectRef } from './types';

/** The repository root (shared/rules/src/peers → four levels up). */
export const repoRoot = resolve(import.meta.dirname, '../../../..');
/** Peers' fixtures live beside the repository (see their SOURCES.md for provenance). */
export const fixturesRoot = resolve(repoRoot, '../shared/fixtures');

/** Kinds that live outside namespaces; every other kind defaults to `default`, as `kubectl apply` does. */
const clusterScoped = new Set([
  'Namespace',
  'Node',
  'ClusterRole',
  'ClusterRoleBinding',
  'CiliumClusterwideNetworkPolicy',
  'ClusterPolicy',
  'ClusterPolicyReport',
  'CustomResourceDefinition',
]);

export function isClusterScoped(kind: string): boolean {
  return clusterScoped.has(kind);
}

/** Every YAML document of a file (multi-document; JSON is YAML too). */
export function loadDocuments(file: string): unknown[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((doc) => {
    if (doc.errors.length) throw new Error(`${file}: ${doc.errors[0]?.message}`);
    return doc.toJS() as unknown;
  });
}

/** Every Kubernetes object in a file (`List` items flattened), namespaced as `kubectl apply` would. */
export function loadObjects(file: string): FixtureObject[] {
  const out: FixtureObject[] = [];
  for (const value of loadDocuments(file)) {
    const items = Array.isArray(value) ? value : isObject(value) && value.kind === 'List' && Array.isArray(value.items) ? value.items : [value];
    for (const item of items) {
      if (!isObject(item) || typeof item.kind !== 'string' || !isObject(item.metadata) || typeof item.metadata.name !== 'string') continue;
      const obj = item as FixtureObject;
      if (!isClusterScoped(obj.kind) && !obj.metadata.namespace) obj.metadata.namespace = 'default';
      out.push(obj);
    }
  }
  return out;
}

/** Files in a directory (sorted), or [] when it does not exist. */
export function filesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && /\.(ya?ml|json)$/.test(e.name))
    .map((e) => join(dir, e.name))
    .sort();
}

export function refOf(o: { kind: string; metadata: { name: string; namespace?: string } }): ObjectRef {
  return { kind: o.kind, name: o.metadata.name, ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}) };
}

/** `Pod default/badpod01`, `Namespace test`. */
export function refText(r: ObjectRef): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
