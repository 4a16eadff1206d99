import { findByPlural, type ResourceType } from './registry';

export type Route =
  | { to: 'version' | 'health' | 'coreVersions' | 'groupList' | 'notFound' }
  | { to: 'group'; group: string }
  | { to: 'resourceList'; group: string; version: string }
  | {
      to: 'resource';
      t: ResourceType;
      version: string;
      namespace?: string;
      name?: string;
      subresource?: string;
    };

const NOT_FOUND = { to: 'notFound' } as const;

/**
 * Maps a URL path onto discovery or a resource, following the API server's layout:
 * /api/v1/[namespaces/<ns>/]<plural>[/<name>[/status]] and /apis/<group>/<version>/... alike.
 */
export function route(path: string, isServed: (group: string) => boolean): Route {
  const segs = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [head, ...rest] = segs;
  if (segs.length === 1 && head === 'version') return { to: 'version' };
  if (segs.length === 1 && (head === 'healthz' || head === 'readyz' || head === 'livez'))
    return { to: 'health' };
  if (head === 'api') {
    if (rest.length === 0) return { to: 'coreVersions' };
    if (rest[0] !== 'v1') return NOT_FOUND;
    return rest.length === 1
      ? { to: 'resourceList', group: '', version: 'v1' }
      : resource('', 'v1', rest.slice(1));
  }
  if (head === 'apis') {
    const [group, version, ...tail] = rest;
    if (group === undefined) return { to: 'groupList' };
    if (!isServed(group)) return NOT_FOUND;
    if (version === undefined) return { to: 'group', group };
    return tail.length === 0 ? { to: 'resourceList', group, version } : resource(group, version, tail);
  }
  return NOT_FOUND;
}

function resource(group: string, version: string, segs: string[]): Route {
  let namespace: string | undefined;
  let rest = segs;
  // /namespaces/<ns>/<plural>... is a namespaced resource; /namespaces[/<name>[/status]] is the Namespace kind.
  if (segs[0] === 'namespaces' && segs.length >= 3 && findByPlural(group, version, segs[2]!)) {
    namespace = segs[1];
    rest = segs.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  const t = plural === undefined ? undefined : findByPlural(group, version, plural);
  if (!t || extra.length > 0) return NOT_FOUND;
  if (namespace !== undefined && !t.namespaced) return NOT_FOUND;
  if (namespace === undefined && t.namespaced && name !== undefined) return NOT_FOUND;
  if (subresource !== undefined && !(subresource === 'status' && t.status)) return NOT_FOUND;
  return { to: 'resource', t, version, namespace, name, subresource };
}
