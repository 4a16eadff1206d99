import { randomBytes, randomUUID } from 'node:crypto';
import { deepEqual, isObject, type JsonObject } from './json';
import { nowRfc3339 } from './ownership';
import { apiVersionOf, type ResourceType } from './registry';
import { badRequest, invalid, preconditionConflict, staleConflict } from './status';

const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export const storageVersion = (t: ResourceType): string => apiVersionOf(t.group, t.versions[0]!);

export function metadataOf(obj: JsonObject): JsonObject {
  if (!isObject(obj.metadata)) obj.metadata = {};
  return obj.metadata as JsonObject;
}

/** The object as served at `version`: only apiVersion changes between versions of a kind (README). */
export function present(t: ResourceType, version: string, obj: JsonObject): JsonObject {
  return { ...obj, apiVersion: apiVersionOf(t.group, version), kind: t.kind };
}

/** Checks what the body says about its own type and place against the URL (400s, as the API server). */
export function checkIdentity(
  t: ResourceType,
  body: unknown,
  namespace: string | undefined,
  name?: string,
): JsonObject {
  if (!isObject(body)) throw badRequest('the request body must be a JSON or YAML object');
  if (body.kind !== undefined && body.kind !== t.kind) {
    throw badRequest(`the kind of the object (${String(body.kind)}) does not match the URL (${t.kind})`);
  }
  const served = t.versions.map((v) => apiVersionOf(t.group, v));
  if (body.apiVersion !== undefined && !served.includes(String(body.apiVersion))) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the URL`);
  }
  const meta = metadataOf(body);
  if (t.namespaced && meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  if (name !== undefined && meta.name !== undefined && meta.name !== name) {
    throw badRequest(
      `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
    );
  }
  if (t.namespaced) meta.namespace = namespace;
  else delete meta.namespace;
  return body;
}

function validateName(t: ResourceType, obj: JsonObject): void {
  const meta = metadataOf(obj);
  if (typeof meta.name !== 'string' || meta.name === '') {
    if (typeof meta.generateName === 'string' && meta.generateName !== '') {
      meta.name = `${meta.generateName}${randomBytes(3).toString('hex').slice(0, 5)}`;
    } else {
      const cause = {
        type: 'FieldValueRequired',
        message: 'Required value: name or generateName is required',
        field: 'metadata.name',
      };
      throw invalid(t.kind, '', [cause], t.group);
    }
  }
  const name = meta.name as string;
  const label = t.kind === 'Namespace';
  const ok = label
    ? DNS1123_LABEL.test(name) && name.length <= 63
    : DNS1123_SUBDOMAIN.test(name) && name.length <= 253;
  if (!ok) {
    const rule = label ? 'a lowercase RFC 1123 label' : 'a lowercase RFC 1123 subdomain';
    const message = `Invalid value: "${name}": must be ${rule}`;
    throw invalid(t.kind, name, [{ type: 'FieldValueInvalid', message, field: 'metadata.name' }], t.group);
  }
}

/** Empty labels/annotations/finalizers/ownerReferences are omitted on the wire (Go `omitempty`). */
function dropEmptyMetadata(meta: JsonObject): void {
  for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences']) {
    const v = meta[k];
    if (v === null || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0))
      delete meta[k];
  }
}

/**
 * Server-set metadata of a new object. Kinds with a status subresource start without status; the only
 * defaulting is Namespace status.phase = Active.
 */
export function prepareCreate(t: ResourceType, obj: JsonObject): JsonObject {
  validateName(t, obj);
  if (t.status) delete obj.status;
  const meta = metadataOf(obj);
  for (const k of ['resourceVersion', 'deletionTimestamp']) delete meta[k];
  meta.uid = randomUUID();
  meta.creationTimestamp = nowRfc3339();
  meta.generation = 1;
  dropEmptyMetadata(meta);
  obj.apiVersion = storageVersion(t);
  obj.kind = t.kind;
  if (t.kind === 'Namespace') obj.status = { phase: 'Active' };
  return obj;
}

/** resourceVersion and uid in the new body are preconditions on the stored object (409 when stale). */
export function checkPreconditions(t: ResourceType, current: JsonObject, next: JsonObject): void {
  const cur = metadataOf(current);
  const meta = metadataOf(next);
  const name = String(cur.name);
  if (
    meta.resourceVersion !== undefined &&
    meta.resourceVersion !== '' &&
    meta.resourceVersion !== cur.resourceVersion
  ) {
    throw staleConflict(t, name);
  }
  if (meta.uid !== undefined && meta.uid !== '' && meta.uid !== cur.uid) {
    throw preconditionConflict(
      t,
      name,
      `UID in precondition: ${String(meta.uid)}, UID in object meta: ${String(cur.uid)}`,
    );
  }
}

const withoutMetaAndStatus = (o: JsonObject): JsonObject => {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = o;
  return rest;
};

/**
 * The stored form of an update: identity and server-owned metadata come from the current object; the main
 * resource cannot change status and the status subresource can change nothing else; generation moves when
 * anything outside metadata and status changed.
 */
export function prepareUpdate(
  t: ResourceType,
  current: JsonObject,
  next: JsonObject,
  subresource?: string,
): JsonObject {
  let out: JsonObject;
  if (subresource === 'status') out = { ...structuredClone(current), status: next.status };
  else {
    out = { ...next };
    if (t.status) {
      if (current.status === undefined) delete out.status;
      else out.status = current.status;
    }
  }
  const cur = metadataOf(current);
  const meta = { ...metadataOf(subresource === 'status' ? current : out) };
  // managedFields are left as they are: recordUpdate / serverSideApply own them.
  for (const k of ['uid', 'creationTimestamp', 'name', 'namespace', 'resourceVersion']) {
    if (cur[k] === undefined) delete meta[k];
    else meta[k] = cur[k];
  }
  const changed = !deepEqual(withoutMetaAndStatus(current), withoutMetaAndStatus(out));
  meta.generation = Number(cur.generation ?? 1) + (changed ? 1 : 0);
  dropEmptyMetadata(meta);
  out.metadata = meta;
  out.apiVersion = storageVersion(t);
  out.kind = t.kind;
  return out;
}

/** Same content and same field ownership (timestamps aside): the write is a no-op (no new resourceVersion, no event). */
export function sameContent(a: JsonObject, b: JsonObject): boolean {
  const strip = (o: JsonObject): unknown => {
    const meta = metadataOf(o);
    const owners = Array.isArray(meta.managedFields)
      ? meta.managedFields.map((m: JsonObject) => ({ ...m, time: undefined }))
      : [];
    return JSON.parse(JSON.stringify({ ...o, metadata: { ...meta, managedFields: owners } }));
  };
  return deepEqual(strip(a), strip(b));
}
