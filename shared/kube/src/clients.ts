import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  NetworkingV1Api,
  ServerConfiguration,
  createConfiguration,
  type Configuration,
  type KubeConfig,
  type Middleware,
} from '@kubernetes/client-node';
import { KubeClientError } from './errors';

/** The typed API clients ztv uses, all sharing one configuration (auth, server, request timeout). */
export interface KubeClients {
  kc: KubeConfig;
  core: CoreV1Api;
  apps: AppsV1Api;
  networking: NetworkingV1Api;
  coordination: CoordinationV1Api;
  /** security.istio.io, cilium.io, cert-manager.io objects. */
  custom: CustomObjectsApi;
  /** Any kind by apiVersion/kind; what serverSideApply uses. */
  objects: KubernetesObjectApi;
}

export interface KubeClientOptions {
  /** Abort any single call after this long (default 30 s); watches are not affected. */
  requestTimeoutMs?: number;
}

/** Gives every request its own abort deadline, so a hung API server surfaces as KubeTimeoutError. */
function requestTimeout(ms: number): Middleware {
  return {
    pre: async (ctx) => {
      ctx.setSignal(AbortSignal.timeout(ms));
      return ctx;
    },
    post: async (res) => res,
  };
}

/** KubernetesObjectApi that defaults namespaces from the kubeconfig context, as makeApiClient does. */
class ContextObjectApi extends KubernetesObjectApi {
  constructor(configuration: Configuration, kc: KubeConfig) {
    super(configuration);
    this.setDefaultNamespace(kc);
  }
}

/** What kc.makeApiClient builds, plus a per-request timeout. */
export function apiConfiguration(kc: KubeConfig, requestTimeoutMs: number): Configuration {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new KubeClientError({ message: 'kubeconfig has no current cluster' });
  return createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [requestTimeout(requestTimeoutMs)],
  });
}

/** The typed clients for one kubeconfig; every call is bounded by `requestTimeoutMs`. */
export function createKubeClients(kc: KubeConfig, options: KubeClientOptions = {}): KubeClients {
  const configuration = apiConfiguration(kc, options.requestTimeoutMs ?? 30_000);
  return {
    kc,
    core: new CoreV1Api(configuration),
    apps: new AppsV1Api(configuration),
    networking: new NetworkingV1Api(configuration),
    coordination: new CoordinationV1Api(configuration),
    custom: new CustomObjectsApi(configuration),
    objects: new ContextObjectApi(configuration, kc),
  };
}
