/** Kinds ztv's rules read, per API group; any version counts (Istio v1 and v1beta1, batch/v1beta1 CronJob, ...). */
const knownByGroup: Record<string, readonly string[]> = {
  '': ['Namespace', 'Pod', 'ServiceAccount', 'Service', 'Secret', 'ConfigMap', 'Node'],
  apps: ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'],
  // Pre-1.16 clusters (and the falco traces) still write workloads and policies under extensions/v1beta1.
  extensions: ['Deployment', 'DaemonSet', 'ReplicaSet', 'NetworkPolicy'],
  batch: ['Job', 'CronJob'],
  'networking.k8s.io': ['NetworkPolicy'],
  'cilium.io': ['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'],
  'security.istio.io': ['PeerAuthentication', 'AuthorizationPolicy'],
  'cert-manager.io': ['Certificate'],
  'coordination.k8s.io': ['Lease'],
};

/** Cluster-scoped kinds: they never get a namespace, even a defaulted one. */
const clusterScoped = new Set([
  'Namespace',
  'Node',
  'CiliumClusterwideNetworkPolicy',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'PersistentVolume',
  'StorageClass',
  'PriorityClass',
  'RuntimeClass',
  'IngressClass',
  'CSIDriver',
  'APIService',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'ClusterIssuer',
  'ClusterPolicy',
  'ClusterPolicyReport',
  'CertificateSigningRequest',
]);

/** Kinds whose `spec.template` (or `spec.jobTemplate.spec.template`) is a pod template. */
export const workloadKinds = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController']);

export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

export function isKnownKind(apiVersion: string, kind: string): boolean {
  return knownByGroup[apiGroupOf(apiVersion)]?.includes(kind) ?? false;
}

/**
 * The namespace an object lives in. A namespaced object written without one lands where `kubectl apply`
 * would put it: the context's namespace, else `default`. Unknown kinds without one stay unscoped,
 * since a custom resource may be cluster-scoped.
 */
export function namespaceOf(apiVersion: string, kind: string, written: string | undefined, fallback: string | undefined): string | undefined {
  if (clusterScoped.has(kind)) return undefined;
  if (written) return written;
  return isKnownKind(apiVersion, kind) ? (fallback ?? 'default') : fallback;
}
