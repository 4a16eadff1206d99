import { PatchStrategy, type KubernetesObject, type KubernetesObjectApi } from '@kubernetes/client-node';
import { toKubeError } from './to-kube-error';

export interface ServerSideApplyOptions {
  /** Who owns the applied fields (default 'ztv-remediator', DESIGN §6). */
  fieldManager?: string;
  /** dryRun=All: the server validates and answers with the result but persists nothing. */
  dryRun?: boolean;
  /** Take over fields other managers own instead of failing with KubeApplyConflictError. */
  force?: boolean;
}

/**
 * Server-side apply (application/apply-patch+yaml) of a fully specified intent. Creates the object when it
 * does not exist. Failures are KubeErrors; a field-ownership conflict is KubeApplyConflictError.
 */
export async function serverSideApply<T extends KubernetesObject>(
  objects: KubernetesObjectApi,
  obj: T,
  options: ServerSideApplyOptions = {},
): Promise<T> {
  // client-node fills in defaults on the spec it is given; apply configurations must not carry managedFields.
  const spec = structuredClone(obj);
  if (spec.metadata) delete spec.metadata.managedFields;
  try {
    return await objects.patch(
      spec,
      undefined,
      options.dryRun ? 'All' : undefined,
      options.fieldManager ?? 'ztv-remediator',
      options.force ?? false,
      PatchStrategy.ServerSideApply,
    );
  } catch (err) {
    const { apiVersion, kind, metadata } = obj;
    throw toKubeError(err, {
      op: 'apply',
      apiVersion,
      kind,
      namespace: metadata?.namespace,
      name: metadata?.name,
    });
  }
}
