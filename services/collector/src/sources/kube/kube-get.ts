import { ApiException, HttpMethod, IsomorphicFetchHttpLibrary, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { toKubeError } from '@ztv/kube';

const http = new IsomorphicFetchHttpLibrary();

/**
 * GET a path of the API server as raw JSON, with the kubeconfig's credentials and TLS settings (client-node's own
 * transport). Raw, because the typed clients rebuild objects through their models (dates become Date objects,
 * unknown fields of custom resources are dropped), and the collector must publish objects exactly as served, the
 * way watch events arrive. Failures are KubeErrors (404 = KubeNotFoundError, 410 = KubeGoneError, ...).
 */
export async function kubeGetJson(kc: KubeConfig, path: string, query: Record<string, string>, timeoutMs: number): Promise<Record<string, unknown>> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw toKubeError(new Error('kubeconfig has no current cluster'), { op: 'list', path });
  const ctx = new RequestContext(`${server.replace(/\/+$/, '')}${path}`, HttpMethod.GET);
  for (const [k, v] of Object.entries(query)) ctx.setQueryParam(k, v);
  ctx.setHeaderParam('Accept', 'application/json');
  let text: string;
  let code: number;
  let headers: Record<string, string>;
  try {
    await kc.applySecurityAuthentication(ctx);
    ctx.setSignal(AbortSignal.timeout(timeoutMs));
    const res = await http.send(ctx).toPromise();
    code = res.httpStatusCode;
    headers = res.headers;
    text = await res.body.text();
  } catch (err) {
    throw toKubeError(err, { op: 'list', path });
  }
  if (code < 200 || code > 299) throw toKubeError(new ApiException(code, `GET ${path} answered ${code}`, text, headers), { op: 'list', path });
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw toKubeError(new Error(`GET ${path}: the answer is not JSON`, { cause: err }), { op: 'list', path });
  }
}
