import type { JsonObject } from './json';
import {
  checkIdentity,
  checkPreconditions,
  metadataOf,
  prepareCreate,
  prepareUpdate,
  present,
  sameContent,
} from './objects';
import { recordUpdate } from './ownership';
import { RESOURCE_TYPES, apiVersionOf } from './registry';
import { isDryRun, managerOf, parseBody, type Reply, type ResourceRequest } from './request';
import { parseFieldSelector, parseLabelSelector } from './selectors';
import { alreadyExists, badRequest, notFound, preconditionConflict, staleConflict } from './status';

/** The stored object the request names, or 404. */
export function current(req: ResourceRequest): JsonObject {
  const obj = req.store.get(req.t, req.namespace, req.name!);
  if (!obj) throw notFound(req.t, req.name!);
  return obj;
}

export function read(req: ResourceRequest): Reply {
  return { status: 200, body: present(req.t, req.version, current(req)) };
}

/** Objects matching the request's namespace and selectors, in key order. */
export function selected(req: ResourceRequest): JsonObject[] {
  const byLabel = parseLabelSelector(req.query.get('labelSelector') ?? undefined);
  const byField = parseFieldSelector(req.query.get('fieldSelector') ?? undefined);
  return req.store.list(req.t, req.namespace).filter((o) => byLabel(o) && byField(o));
}

/** A list response. `limit`/`continue` page through the current state (an offset, not a snapshot). */
export function list(req: ResourceRequest): Reply {
  const all = selected(req);
  const offset = req.query.has('continue') ? decodeContinue(req.query.get('continue')!) : 0;
  const limit = Number(req.query.get('limit') ?? 0);
  const page = limit > 0 ? all.slice(offset, offset + limit) : all.slice(offset);
  const more = limit > 0 && offset + limit < all.length;
  const metadata: JsonObject = { resourceVersion: String(req.store.resourceVersion) };
  if (more) {
    metadata.continue = Buffer.from(JSON.stringify({ offset: offset + limit })).toString('base64url');
    metadata.remainingItemCount = all.length - offset - limit;
  }
  // Built-in kinds' list items carry no kind/apiVersion on the wire; custom resources' items do.
  const items = page.map((o) => {
    if (req.t.custom) return present(req.t, req.version, o);
    const { apiVersion: _a, kind: _k, ...rest } = o;
    return rest;
  });
  return {
    status: 200,
    body: { kind: `${req.t.kind}List`, apiVersion: apiVersionOf(req.t.group, req.version), metadata, items },
  };
}

function decodeContinue(token: string): number {
  try {
    const offset = (JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset: number })
      .offset;
    if (Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through to the error
  }
  throw badRequest('invalid continue token');
}

export function create(req: ResourceRequest): Reply {
  const dryRun = isDryRun(req, 'CreateOptions');
  const obj = prepareCreate(req.t, checkIdentity(req.t, parseBody(req), req.namespace));
  const name = String(metadataOf(obj).name);
  if (req.store.get(req.t, req.namespace, name)) throw alreadyExists(req.t, name);
  recordUpdate(undefined, obj, managerOf(req));
  const stored = dryRun ? obj : req.store.commit(req.t, 'ADDED', obj);
  return { status: 201, body: present(req.t, req.version, stored) };
}

/** Validates, records field ownership and stores an update; a no-op update changes nothing. */
export function storeUpdate(
  req: ResourceRequest,
  cur: JsonObject,
  next: JsonObject,
  dryRun: boolean,
  manager?: string,
): Reply {
  checkPreconditions(req.t, cur, next);
  const updated = prepareUpdate(req.t, cur, next, req.subresource);
  if (manager !== undefined) recordUpdate(cur, updated, manager);
  if (sameContent(cur, updated)) return { status: 200, body: present(req.t, req.version, cur) };
  const stored = dryRun ? updated : req.store.commit(req.t, 'MODIFIED', updated, cur);
  return { status: 200, body: present(req.t, req.version, stored) };
}

export function replace(req: ResourceRequest): Reply {
  const dryRun = isDryRun(req, 'UpdateOptions');
  const next = checkIdentity(req.t, parseBody(req), req.namespace, req.name);
  return storeUpdate(req, current(req), next, dryRun, managerOf(req));
}

function deleteOne(req: ResourceRequest, obj: JsonObject): JsonObject {
  const meta = metadataOf(obj);
  if (req.t.kind === 'Namespace') {
    // Namespace deletion has no Terminating phase here: the contents go at once, each with a DELETED event.
    for (const t of RESOURCE_TYPES.filter((x) => x.namespaced)) {
      for (const o of req.store.list(t, String(meta.name))) req.store.commit(t, 'DELETED', o, o);
    }
  }
  return req.store.commit(req.t, 'DELETED', obj, obj);
}

export function remove(req: ResourceRequest): Reply {
  const dryRun = isDryRun(req, 'DeleteOptions');
  const obj = current(req);
  const options =
    req.body.length > 0
      ? (parseBody(req, false) as { preconditions?: { resourceVersion?: string; uid?: string } })
      : {};
  const pre = options.preconditions ?? {};
  const meta = metadataOf(obj);
  if (pre.resourceVersion && pre.resourceVersion !== meta.resourceVersion)
    throw staleConflict(req.t, req.name!);
  if (pre.uid && pre.uid !== meta.uid) {
    throw preconditionConflict(
      req.t,
      req.name!,
      `UID in precondition: ${pre.uid}, UID in object meta: ${String(meta.uid)}`,
    );
  }
  return { status: 200, body: present(req.t, req.version, dryRun ? obj : deleteOne(req, obj)) };
}

export function removeCollection(req: ResourceRequest): Reply {
  const dryRun = isDryRun(req, 'DeleteOptions');
  const items = selected(req).map((o) => present(req.t, req.version, dryRun ? o : deleteOne(req, o)));
  const metadata = { resourceVersion: String(req.store.resourceVersion) };
  return {
    status: 200,
    body: { kind: `${req.t.kind}List`, apiVersion: apiVersionOf(req.t.group, req.version), metadata, items },
  };
}
