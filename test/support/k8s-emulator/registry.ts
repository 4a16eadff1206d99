/**
 * The kinds the emulator serves: data, not code. `group: ''` is the core group (served under /api). Custom
 * resources (`custom: true`) are listed with kind/apiVersion on every list item, as the API server does for CRDs;
 * built-in kinds are not.
 */
export interface ResourceType {
  group: string;
  versions: string[];
  plural: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  /** Has a /status subresource: writes to the main resource keep the stored status and vice versa. */
  status: boolean;
  custom: boolean;
  shortNames?: string[];
}

type Entry = Omit<ResourceType, 'group' | 'versions' | 'custom' | 'singular'>;

function group(name: string, versions: string[], custom: boolean, entries: Entry[]): ResourceType[] {
  return entries.map((e) => ({ ...e, group: name, versions, custom, singular: e.kind.toLowerCase() }));
}

const ns = true;
const cluster = false;

export const RESOURCE_TYPES: readonly ResourceType[] = [
  ...group('', ['v1'], false, [
    { plural: 'namespaces', kind: 'Namespace', namespaced: cluster, status: true, shortNames: ['ns'] },
    { plural: 'nodes', kind: 'Node', namespaced: cluster, status: true, shortNames: ['no'] },
    { plural: 'pods', kind: 'Pod', namespaced: ns, status: true, shortNames: ['po'] },
    { plural: 'services', kind: 'Service', namespaced: ns, status: true, shortNames: ['svc'] },
    { plural: 'serviceaccounts', kind: 'ServiceAccount', namespaced: ns, status: false, shortNames: ['sa'] },
    { plural: 'secrets', kind: 'Secret', namespaced: ns, status: false },
    { plural: 'configmaps', kind: 'ConfigMap', namespaced: ns, status: false, shortNames: ['cm'] },
  ]),
  ...group('apps', ['v1'], false, [
    { plural: 'deployments', kind: 'Deployment', namespaced: ns, status: true, shortNames: ['deploy'] },
    { plural: 'statefulsets', kind: 'StatefulSet', namespaced: ns, status: true, shortNames: ['sts'] },
    { plural: 'daemonsets', kind: 'DaemonSet', namespaced: ns, status: true, shortNames: ['ds'] },
    { plural: 'replicasets', kind: 'ReplicaSet', namespaced: ns, status: true, shortNames: ['rs'] },
  ]),
  ...group('batch', ['v1'], false, [
    { plural: 'jobs', kind: 'Job', namespaced: ns, status: true },
    { plural: 'cronjobs', kind: 'CronJob', namespaced: ns, status: true, shortNames: ['cj'] },
  ]),
  ...group('networking.k8s.io', ['v1'], false, [
    {
      plural: 'networkpolicies',
      kind: 'NetworkPolicy',
      namespaced: ns,
      status: false,
      shortNames: ['netpol'],
    },
  ]),
  ...group('coordination.k8s.io', ['v1'], false, [
    { plural: 'leases', kind: 'Lease', namespaced: ns, status: false },
  ]),
  // Istio serves both versions from one storage; the emulator converts by rewriting apiVersion only.
  ...group('security.istio.io', ['v1', 'v1beta1'], true, [
    {
      plural: 'peerauthentications',
      kind: 'PeerAuthentication',
      namespaced: ns,
      status: true,
      shortNames: ['pa'],
    },
    {
      plural: 'authorizationpolicies',
      kind: 'AuthorizationPolicy',
      namespaced: ns,
      status: true,
      shortNames: ['ap'],
    },
  ]),
  ...group('cilium.io', ['v2'], true, [
    {
      plural: 'ciliumnetworkpolicies',
      kind: 'CiliumNetworkPolicy',
      namespaced: ns,
      status: true,
      shortNames: ['cnp'],
    },
    {
      plural: 'ciliumclusterwidenetworkpolicies',
      kind: 'CiliumClusterwideNetworkPolicy',
      namespaced: cluster,
      status: true,
      shortNames: ['ccnp'],
    },
  ]),
  ...group('cert-manager.io', ['v1'], true, [
    { plural: 'certificates', kind: 'Certificate', namespaced: ns, status: true, shortNames: ['cert'] },
  ]),
];

/** `apiVersion` as it appears in objects: `v1` for the core group, `<group>/<version>` otherwise. */
export function apiVersionOf(groupName: string, version: string): string {
  return groupName === '' ? version : `${groupName}/${version}`;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.lastIndexOf('/');
  return i < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

export function findByPlural(groupName: string, version: string, plural: string): ResourceType | undefined {
  return RESOURCE_TYPES.find(
    (t) => t.group === groupName && t.plural === plural && t.versions.includes(version),
  );
}

export function findByKind(apiVersion: string, kind: string): ResourceType | undefined {
  const { group: g, version } = splitApiVersion(apiVersion);
  return RESOURCE_TYPES.find((t) => t.group === g && t.kind === kind && t.versions.includes(version));
}

/** Every served group with its versions, in registry order (the first version is the preferred one). */
export function servedGroups(): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const t of RESOURCE_TYPES) groups.set(t.group, t.versions);
  return groups;
}
