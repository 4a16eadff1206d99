export { serverSideApply, type ServerSideApplyOptions } from './apply';
export { createKubeClients, type KubeClientOptions, type KubeClients } from './clients';
export { loadKubeConfig, type LoadKubeConfigOptions } from './config';
export {
  KubeAlreadyExistsError,
  KubeApplyConflictError,
  KubeBadRequestError,
  KubeClientError,
  KubeConflictError,
  KubeError,
  KubeForbiddenError,
  KubeGoneError,
  KubeInvalidError,
  KubeNotFoundError,
  KubeServerError,
  KubeTimeoutError,
  KubeTooManyRequestsError,
  KubeUnauthorizedError,
  KubeUnavailableError,
  type KubeStatus,
} from './errors';
export { isReachable, type Reachability } from './reachability';
export { toKubeError } from './to-kube-error';
