import {
  deleteAt,
  fromFieldsV1,
  getAt,
  leafPaths,
  overlaps,
  pathKey,
  pathText,
  toFieldsV1,
  type FieldPath,
} from './fields';
import { deepEqual, isObject, type JsonObject } from './json';
import { StatusError, type StatusCause } from './status';

/** One managedFields entry, with its field set decoded. Entries are per (manager, operation), as upstream. */
interface Owner {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  paths: Map<string, FieldPath>;
}

export const nowRfc3339 = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

function readOwners(obj: JsonObject | undefined): Owner[] {
  const entries = isObject(obj?.metadata) ? obj.metadata.managedFields : undefined;
  if (!Array.isArray(entries)) return [];
  return entries.filter(isObject).map((e) => ({
    manager: String(e.manager ?? ''),
    operation: e.operation === 'Apply' ? 'Apply' : 'Update',
    apiVersion: String(e.apiVersion ?? ''),
    time: String(e.time ?? ''),
    paths: new Map(fromFieldsV1(e.fieldsV1).map((p) => [pathKey(p), p])),
  }));
}

/** Drops ownership of fields the object no longer has, drops empty entries, renders the rest into metadata. */
function writeOwners(obj: JsonObject, owners: Owner[]): void {
  const meta = (obj.metadata ??= {}) as JsonObject;
  const rendered = owners
    .map((o) => {
      for (const [k, p] of o.paths) if (getAt(obj, p) === undefined) o.paths.delete(k);
      return o;
    })
    .filter((o) => o.paths.size > 0)
    .map((o) => ({
      manager: o.manager,
      operation: o.operation,
      apiVersion: o.apiVersion,
      time: o.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(o.paths.values()),
    }));
  if (rendered.length > 0) meta.managedFields = rendered;
  else delete meta.managedFields;
}

function ownerEntry(
  owners: Owner[],
  manager: string,
  operation: Owner['operation'],
  apiVersion: string,
): Owner {
  let entry = owners.find((o) => o.manager === manager && o.operation === operation);
  if (!entry) {
    entry = { manager, operation, apiVersion, time: '', paths: new Map() };
    owners.push(entry);
  }
  entry.apiVersion = apiVersion;
  entry.time = nowRfc3339();
  return entry;
}

/**
 * Records a non-apply write (create, update, merge/JSON patch): the writer takes every leaf it changed, and
 * nobody else keeps those fields. Updates never conflict.
 */
export function recordUpdate(before: JsonObject | undefined, after: JsonObject, manager: string): void {
  const owners = readOwners(before);
  const changed = leafPaths(after).filter((p) => !deepEqual(getAt(before, p), getAt(after, p)));
  if (changed.length > 0) {
    for (const o of owners) {
      for (const [k, p] of o.paths)
        if (changed.some((c) => p.length >= c.length && overlaps(c, p))) o.paths.delete(k);
    }
    const mine = ownerEntry(owners, manager, 'Update', String(after.apiVersion ?? ''));
    for (const p of changed) mine.paths.set(pathKey(p), p);
  }
  writeOwners(after, owners);
}

/** Deep merge of an apply configuration into the live object: maps merge, lists and scalars replace. */
function mergeApplied(live: unknown, config: unknown): unknown {
  if (!isObject(config) || !isObject(live)) return structuredClone(config);
  const out: JsonObject = { ...live };
  for (const [k, v] of Object.entries(config)) out[k] = mergeApplied(out[k], v);
  return out;
}

function conflictError(conflicts: { manager: string; apiVersion: string; path: FieldPath }[]): StatusError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    type: 'FieldManagerConflict',
    message: `conflict with "${c.manager}" using ${c.apiVersion}`,
    field: pathText(c.path),
  }));
  const n = conflicts.length;
  const list = causes.map((c) => `${c.message}: ${c.field}`).join('\n- ');
  const message = `Apply failed with ${n} conflict${n === 1 ? '' : 's'}: ${n === 1 ? list : `\n- ${list}`}`;
  return new StatusError(409, 'Conflict', message, { causes });
}

/**
 * Server-side apply of `config` by `manager` onto `live` (undefined: create). Fields the manager applied
 * before and no longer applies are removed unless someone else owns them; a changed value in a field another
 * manager owns is a conflict (409) unless `force`, which moves the field to this manager.
 */
export function serverSideApply(
  live: JsonObject | undefined,
  config: JsonObject,
  manager: string,
  force: boolean,
): JsonObject {
  const owners = readOwners(live);
  const applied = leafPaths(config);
  const previous = owners.find((o) => o.manager === manager && o.operation === 'Apply');
  const others = owners.filter((o) => o !== previous);

  const result = structuredClone(live ?? {}) as JsonObject;
  for (const p of previous?.paths.values() ?? []) {
    const stillApplied = applied.some((a) => pathKey(a) === pathKey(p));
    if (!stillApplied && !others.some((o) => o.paths.has(pathKey(p)))) deleteAt(result, p);
  }
  const merged = mergeApplied(result, config) as JsonObject;

  const conflicts: { owner: Owner; key: string; path: FieldPath }[] = [];
  for (const o of others.filter((x) => x.manager !== manager)) {
    for (const [key, q] of o.paths) {
      const touched = applied.some((p) => overlaps(p, q));
      if (touched && !deepEqual(getAt(merged, q), getAt(live, q))) conflicts.push({ owner: o, key, path: q });
    }
  }
  if (conflicts.length > 0 && !force) {
    throw conflictError(
      conflicts.map((c) => ({ manager: c.owner.manager, apiVersion: c.owner.apiVersion, path: c.path })),
    );
  }
  for (const c of conflicts) c.owner.paths.delete(c.key);

  const mine = ownerEntry(owners, manager, 'Apply', String(config.apiVersion ?? ''));
  mine.paths = new Map(applied.map((p) => [pathKey(p), p]));
  writeOwners(merged, owners);
  return merged;
}
