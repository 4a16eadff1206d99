import { current, storeUpdate } from './handlers';
import { isObject, type JsonObject } from './json';
import { checkIdentity, metadataOf, prepareCreate, present } from './objects';
import { serverSideApply } from './ownership';
import { JsonPatchApplyError, jsonPatch, mergePatch } from './patch';
import { isDryRun, managerOf, parseBody, type Reply, type ResourceRequest } from './request';
import { StatusError, badRequest, invalid } from './status';

const MERGE = 'application/merge-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const APPLY = 'application/apply-patch+yaml';

function patchOptionsInvalid(field: string, message: string): StatusError {
  return invalid('PatchOptions', '', [{ type: 'FieldValueInvalid', message, field }], 'meta.k8s.io');
}

/** PATCH: JSON merge, strategic merge (as JSON merge, see README), JSON patch, or server-side apply. */
export function patch(req: ResourceRequest): Reply {
  const type = req.contentType.split(';')[0]!.trim().toLowerCase();
  if (![MERGE, STRATEGIC, JSON_PATCH, APPLY].includes(type)) {
    throw new StatusError(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${[JSON_PATCH, MERGE, APPLY, STRATEGIC].join(', ')}`,
    );
  }
  const dryRun = isDryRun(req, 'PatchOptions');
  const force = req.query.get('force');
  if (type === APPLY) {
    if (!req.query.get('fieldManager')) {
      throw patchOptionsInvalid('fieldManager', 'Required value: is required for apply patch');
    }
    return apply(req, dryRun, force === 'true');
  }
  if (force !== null)
    throw patchOptionsInvalid('force', 'Forbidden: may not be specified for non-apply patch');
  const cur = current(req);
  const body = parseBody(req, false);
  let next: unknown;
  if (type === JSON_PATCH) {
    try {
      next = jsonPatch(cur, body);
    } catch (e) {
      if (e instanceof JsonPatchApplyError) throw new StatusError(422, 'Invalid', e.message);
      throw e;
    }
  } else {
    if (!isObject(body)) throw badRequest('a merge patch must be a JSON object');
    next = mergePatch(cur, body);
  }
  const checked = checkIdentity(req.t, next, req.namespace, req.name);
  return storeUpdate(req, cur, checked, dryRun, managerOf(req));
}

function apply(req: ResourceRequest, dryRun: boolean, force: boolean): Reply {
  const config = parseBody(req, true);
  if (!isObject(config) || typeof config.apiVersion !== 'string' || typeof config.kind !== 'string') {
    throw badRequest('an apply configuration must set apiVersion and kind');
  }
  checkIdentity(req.t, config, req.namespace, req.name);
  const meta = metadataOf(config);
  if (meta.managedFields !== undefined)
    throw badRequest('metadata.managedFields must be nil in an apply configuration');
  meta.name = req.name;
  const manager = req.query.get('fieldManager')!;
  const cur = req.store.get(req.t, req.namespace, req.name!);
  if (!cur) {
    // Apply creates what does not exist yet (201).
    const created = prepareCreate(req.t, serverSideApply(undefined, applyable(config), manager, force));
    const stored = dryRun ? created : req.store.commit(req.t, 'ADDED', created);
    return { status: 201, body: present(req.t, req.version, stored) };
  }
  const merged = serverSideApply(cur, applyable(config), manager, force);
  // resourceVersion in the configuration is a precondition, like on an update.
  metadataOf(merged).resourceVersion = meta.resourceVersion ?? metadataOf(cur).resourceVersion;
  return storeUpdate(req, cur, merged, dryRun);
}

/** What apply merges: the configuration minus its identity fields, which the server owns. */
function applyable(config: JsonObject): JsonObject {
  const { resourceVersion: _rv, uid: _uid, ...meta } = metadataOf(config);
  return { ...config, metadata: meta };
}
