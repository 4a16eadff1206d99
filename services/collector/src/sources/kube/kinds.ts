/** A kind the watchers list and watch (cluster-wide), with the versions to try in order. */
export interface WatchedKind {
  kind: string;
  /** '' for the core group. */
  group: string;
  versions: readonly string[];
  plural: string;
  /** Watched unless COLLECTOR_KUBE_KINDS names kinds explicitly. */
  defaultOn: boolean;
}

const k = (kind: string, group: string, versions: string[], plural: string, defaultOn = true): WatchedKind => ({ kind, group, versions, plural, defaultOn });

/**
 * Every kind @ztv/formats marks as known (what the rules read), as data. Istio's security kinds are served at v1
 * from Istio 1.22 and at v1beta1 before; the first version the API server serves is watched. Lease is off by
 * default: every kubelet renews its Lease every 10 s, and the audit stream already carries each renewal with
 * both clocks (the clock source); name it in COLLECTOR_KUBE_KINDS to watch it anyway.
 */
export const watchedKinds: readonly WatchedKind[] = [
  k('Namespace', '', ['v1'], 'namespaces'),
  k('Node', '', ['v1'], 'nodes'),
  k('Pod', '', ['v1'], 'pods'),
  k('ServiceAccount', '', ['v1'], 'serviceaccounts'),
  k('Service', '', ['v1'], 'services'),
  k('Secret', '', ['v1'], 'secrets'),
  k('ConfigMap', '', ['v1'], 'configmaps'),
  k('Deployment', 'apps', ['v1'], 'deployments'),
  k('StatefulSet', 'apps', ['v1'], 'statefulsets'),
  k('DaemonSet', 'apps', ['v1'], 'daemonsets'),
  k('ReplicaSet', 'apps', ['v1'], 'replicasets'),
  k('Job', 'batch', ['v1'], 'jobs'),
  k('CronJob', 'batch', ['v1'], 'cronjobs'),
  k('NetworkPolicy', 'networking.k8s.io', ['v1'], 'networkpolicies'),
  k('CiliumNetworkPolicy', 'cilium.io', ['v2'], 'ciliumnetworkpolicies'),
  k('CiliumClusterwideNetworkPolicy', 'cilium.io', ['v2'], 'ciliumclusterwidenetworkpolicies'),
  k('PeerAuthentication', 'security.istio.io', ['v1', 'v1beta1'], 'peerauthentications'),
  k('AuthorizationPolicy', 'security.istio.io', ['v1', 'v1beta1'], 'authorizationpolicies'),
  k('Certificate', 'cert-manager.io', ['v1'], 'certificates'),
  k('Lease', 'coordination.k8s.io', ['v1'], 'leases', false),
];

/** The kinds to watch: those named (unknown names are an error), else the default set. */
export function selectKinds(names: string[]): WatchedKind[] {
  if (names.length === 0) return watchedKinds.filter((w) => w.defaultOn);
  const unknown = names.filter((n) => !watchedKinds.some((w) => w.kind === n));
  if (unknown.length) {
    throw new Error(`COLLECTOR_KUBE_KINDS: unknown kind(s) ${unknown.join(', ')}; known: ${watchedKinds.map((w) => w.kind).join(', ')}`);
  }
  return watchedKinds.filter((w) => names.includes(w.kind));
}

export function apiVersionOf(w: WatchedKind, version: string): string {
  return w.group ? `${w.group}/${version}` : version;
}

/** The cluster-wide collection path (`/api/v1/pods`, `/apis/cilium.io/v2/ciliumnetworkpolicies`). */
export function collectionPath(w: WatchedKind, version: string): string {
  return w.group ? `/apis/${w.group}/${version}/${w.plural}` : `/api/${version}/${w.plural}`;
}
