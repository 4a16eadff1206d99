import { KubeConfig } from '@kubernetes/client-node';
import { KubeClientError } from './errors';

export interface LoadKubeConfigOptions {
  /** A kubeconfig file. Wins over inCluster. */
  kubeconfigPath?: string;
  /** Use the pod's service account (KUBERNETES_SERVICE_HOST and the mounted token). */
  inCluster?: boolean;
  /** A context other than the file's current-context. */
  context?: string;
}

/**
 * Loads a KubeConfig from a file, from the pod's service account, or the way kubectl does (KUBECONFIG,
 * ~/.kube/config, in-cluster). A config that cannot be loaded or names no cluster is a KubeClientError.
 */
export function loadKubeConfig(options: LoadKubeConfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (options.kubeconfigPath) kc.loadFromFile(options.kubeconfigPath);
    else if (options.inCluster) kc.loadFromCluster();
    else kc.loadFromDefault();
    if (options.context) kc.setCurrentContext(options.context);
  } catch (cause) {
    const source =
      options.kubeconfigPath ?? (options.inCluster ? 'in-cluster service account' : 'default locations');
    throw new KubeClientError({
      message: `cannot load kubeconfig from ${source}: ${(cause as Error).message}`,
      cause,
    });
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster)
    throw new KubeClientError({
      message: `kubeconfig has no cluster for context "${kc.getCurrentContext()}"`,
    });
  return kc;
}
