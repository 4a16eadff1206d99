import { isObject, type JsonObject } from './json';

/** A field path: the keys from the object root to a leaf. Lists are atomic (one leaf), see README. */
export type FieldPath = string[];

/** Metadata the server owns; never part of any manager's field set. */
const SYSTEM_METADATA = new Set([
  'name',
  'namespace',
  'generateName',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

export const pathKey = (p: FieldPath): string => JSON.stringify(p);
export const pathText = (p: FieldPath): string => `.${p.join('.')}`;

/** p equals q, or one contains the other. */
export function overlaps(p: FieldPath, q: FieldPath): boolean {
  const n = Math.min(p.length, q.length);
  for (let i = 0; i < n; i++) if (p[i] !== q[i]) return false;
  return true;
}

/**
 * Leaf field paths of an object: scalars, lists, nulls and empty maps are leaves. apiVersion, kind, status and
 * server-owned metadata are left out.
 */
export function leafPaths(obj: JsonObject): FieldPath[] {
  const out: FieldPath[] = [];
  const walk = (v: unknown, path: FieldPath): void => {
    if (isObject(v) && Object.keys(v).length > 0)
      for (const [k, c] of Object.entries(v)) walk(c, [...path, k]);
    else out.push(path);
  };
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
    if (k === 'metadata' && isObject(v)) {
      for (const [mk, mv] of Object.entries(v)) if (!SYSTEM_METADATA.has(mk)) walk(mv, ['metadata', mk]);
    } else walk(v, [k]);
  }
  return out;
}

export function getAt(obj: unknown, path: FieldPath): unknown {
  let node = obj;
  for (const k of path) {
    if (!isObject(node)) return undefined;
    node = node[k];
  }
  return node;
}

/** Deletes the field and any map above it (below the top level) that the deletion left empty. */
export function deleteAt(obj: JsonObject, path: FieldPath): void {
  const chain: JsonObject[] = [obj];
  for (const k of path.slice(0, -1)) {
    const next = chain[chain.length - 1]![k];
    if (!isObject(next)) return;
    chain.push(next);
  }
  delete chain[chain.length - 1]![path[path.length - 1]!];
  for (let i = chain.length - 1; i >= 2; i--) {
    if (Object.keys(chain[i]!).length > 0) break;
    delete chain[i - 1]![path[i - 1]!];
  }
}

/** Field paths → the FieldsV1 tree the API server puts in managedFields (`{"f:spec":{"f:replicas":{}}}`). */
export function toFieldsV1(paths: Iterable<FieldPath>): JsonObject {
  const root: JsonObject = {};
  for (const p of paths) {
    let node = root;
    for (const k of p) {
      const key = `f:${k}`;
      if (!isObject(node[key])) node[key] = {};
      node = node[key] as JsonObject;
    }
  }
  return root;
}

/**
 * FieldsV1 → field paths. A node with no `f:` children, or marked `.`, is owned as a whole; list-item keys
 * (`k:`, `v:`, `i:`, written by real servers) make the enclosing list the owned leaf.
 */
export function fromFieldsV1(tree: unknown): FieldPath[] {
  const out: FieldPath[] = [];
  const walk = (node: unknown, path: FieldPath): void => {
    const keys = isObject(node) ? Object.keys(node) : [];
    const children = keys.filter((k) => k.startsWith('f:'));
    const listItems = keys.some((k) => /^[kvi]:/.test(k));
    if (path.length > 0 && (children.length === 0 || keys.includes('.') || listItems)) out.push(path);
    if (listItems) return;
    for (const k of children) walk((node as JsonObject)[k], [...path, k.slice(2)]);
  };
  walk(tree, []);
  return out;
}
