import { VersionApi, type KubeConfig } from '@kubernetes/client-node';
import { apiConfiguration } from './clients';
import type { KubeError } from './errors';
import { toKubeError } from './to-kube-error';

export type Reachability = { reachable: true; gitVersion: string } | { reachable: false; error: KubeError };

/**
 * Asks the API server for /version within `timeoutMs` (default 2 s). Not reachable is an answer, not an
 * exception: the error says why (refused, timed out, 401, ...).
 */
export async function isReachable(
  kc: KubeConfig,
  options: { timeoutMs?: number } = {},
): Promise<Reachability> {
  try {
    const info = await new VersionApi(apiConfiguration(kc, options.timeoutMs ?? 2_000)).getCode();
    return { reachable: true, gitVersion: info.gitVersion };
  } catch (err) {
    return {
      reachable: false,
      error: toKubeError(err, { op: 'version', server: kc.getCurrentCluster()?.server }),
    };
  }
}
