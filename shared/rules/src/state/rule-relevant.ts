import type { KubeObject } from './kube-object';

/*
 * What the rules read of a Kubernetes object: everything but its `status`, `metadata.resourceVersion` and
 * `metadata.managedFields` — and of a Pod's status its phase and addresses (state/pods.ts, sidecar-missing). Most
 * updates the API server sends change nothing else: a Pod's conditions and container statuses, a Deployment's replica
 * counts. Such an update cannot move any verdict, so the state keeps the object it has (see ClusterState.apply): no
 * rule is re-checked, no index or cache is touched, and the new copy is not kept. Nor does the state keep the status
 * fields no rule reads (keptForRules). A rule that starts reading another status field must add it to STATUS_READ:
 * until it does, the state hands it objects without that field, and its own tests fail.
 */

/** Per kind, the status fields some rule reads; a kind not listed has none read. */
export const STATUS_READ: Readonly<Record<string, readonly string[]>> = { Pod: ['phase', 'podIP', 'podIPs'] };

/** True when `b` differs from `a` only in what no rule reads (see the file comment). */
export function sameForRules(a: KubeObject, b: KubeObject): boolean {
  if (a === b) return true;
  // Metadata no rule reads and every update changes (managedFields: the collector drops them anyway).
  if (
    !sameExcept(a, b, 'status', 'metadata') ||
    !sameExcept(a.metadata, b.metadata, 'resourceVersion', 'managedFields')
  )
    return false;
  const read = STATUS_READ[b.kind];
  if (!read) return true;
  const sa = a.status;
  const sb = b.status;
  for (const f of read) if (!jsonEqual(sa?.[f], sb?.[f])) return false;
  return true;
}

/**
 * The object as the state keeps it: without the status fields no rule reads (conditions, container statuses — often
 * a third of a Pod's JSON, and what changes most), so neither memory nor the garbage collector carries them for every
 * object in the cluster. `obj` itself when it has nothing to leave out; else a shallow copy (`obj` is not changed).
 */
export function keptForRules(obj: KubeObject): KubeObject {
  const status = obj.status;
  if (status === undefined) return obj;
  const read = STATUS_READ[obj.kind];
  let unread = false;
  for (const f in status) if (read === undefined || !read.includes(f)) unread = true;
  if (!unread) return obj;
  let kept: Record<string, unknown> | undefined;
  if (read) {
    kept = {};
    for (const f of read) if (Object.hasOwn(status, f)) kept[f] = status[f];
  }
  // Copied key by key: the objects of a kind get the same keys in the same order, so one shape.
  const out: Record<string, unknown> = {};
  for (const k in obj) {
    if (k !== 'status') out[k] = obj[k];
    else if (kept) out[k] = kept;
  }
  return out as KubeObject;
}

/**
 * The same keys with jsonEqual values, leaving out the keys `skip1` and `skip2`. For JSON objects (plain, no value
 * undefined): a key is asked after only when its value reads undefined; inherited keys, if any, are the same on both
 * sides and compare equal.
 */
function sameExcept(
  a: Record<string, unknown>,
  b: Record<string, unknown>,
  skip1?: string,
  skip2?: string,
): boolean {
  let keys = 0;
  for (const k in a) {
    if (k === skip1 || k === skip2) continue;
    const bv = b[k];
    if ((bv === undefined && !(k in b)) || !jsonEqual(a[k], bv)) return false;
    keys++;
  }
  for (const k in b) if (k !== skip1 && k !== skip2) keys--;
  return keys === 0;
}

/**
 * Equality of JSON values: the same primitives, arrays of equal elements in order, objects with equal own keys (in any
 * order). util.isDeepStrictEqual answers the same for JSON but took about 5 times as long on a Pod's spec (8 µs
 * against 1.5), and every Pod update the state sees asks.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  return sameExcept(a as Record<string, unknown>, b as Record<string, unknown>);
}
