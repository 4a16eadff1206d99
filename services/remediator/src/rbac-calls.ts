import type { RecordedRequest } from '../../../test/support/k8s-emulator';

/* Maps recorded Kubernetes API requests to the RBAC permissions they need (tests only: rbac.test.ts). */

export interface Permission {
  group: string;
  resource: string;
  verb: string;
}
export const permissionText = (p: Permission) => `${p.group || 'core'}/${p.resource}: ${p.verb}`;

/** Discovery (`/api`, `/apis/<group>/<version>`, `/version`) is granted to every authenticated user by system:discovery. */
export function isDiscovery(path: string): boolean {
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'api') return parts.length <= 2;
  if (parts[0] === 'apis') return parts.length <= 3;
  return true;
}

/**
 * The permissions one request needs, as the API server's authorizer asks for them. A server-side apply that creates
 * the object (201) needs `create` as well as `patch` (apiserver handlers/patch.go authorizes the create); dry-run
 * requests are authorized like real ones.
 */
export function permissionsOf(r: RecordedRequest): Permission[] {
  if (isDiscovery(r.path)) return [];
  const parts = r.path.split('/').filter(Boolean);
  const group = parts[0] === 'api' ? '' : parts[1]!;
  let rest = parts.slice(parts[0] === 'api' ? 2 : 3);
  if (rest[0] === 'namespaces' && rest.length >= 3) rest = rest.slice(2);
  const [resource, name, sub] = rest;
  const res = sub ? `${resource}/${sub}` : resource!;
  const verbs: string[] = [];
  if (r.method === 'GET') verbs.push(name ? 'get' : r.watch ? 'watch' : 'list');
  else if (r.method === 'POST') verbs.push('create');
  else if (r.method === 'PUT') verbs.push('update');
  else if (r.method === 'DELETE') verbs.push(name ? 'delete' : 'deletecollection');
  else if (r.method === 'PATCH') {
    verbs.push('patch');
    if (r.status === 201 && r.contentType?.startsWith('application/apply-patch')) verbs.push('create');
  }
  return verbs.map((verb) => ({ group, resource: res, verb }));
}

/** The permissions a ClusterRole's rules grant, one per (group, resource, verb). Wildcards are refused. */
export function grantedBy(
  rules: {
    apiGroups?: string[];
    resources?: string[];
    verbs?: string[];
    resourceNames?: string[];
    nonResourceURLs?: string[];
  }[],
): Permission[] {
  const out: Permission[] = [];
  for (const rule of rules) {
    for (const list of [rule.apiGroups, rule.resources, rule.verbs])
      if (list?.includes('*'))
        throw new Error(`the remediator ClusterRole must not use wildcards: ${JSON.stringify(rule)}`);
    for (const group of rule.apiGroups ?? [])
      for (const resource of rule.resources ?? [])
        for (const verb of rule.verbs ?? []) out.push({ group, resource, verb });
  }
  return out;
}
