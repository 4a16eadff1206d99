import { PatchStrategy, type KubernetesObject } from '@kubernetes/client-node';
import { KubeNotFoundError, serverSideApply, toKubeError, type KubeClients } from '@ztv/kube';

/** ztv's field manager (DESIGN §6): every write a playbook makes is recorded under this name. */
export const fieldManager = 'ztv-remediator';

/** A Kubernetes object as the playbooks handle it: plain JSON with the fields they read typed loosely. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    generation?: number;
    ownerReferences?: {
      apiVersion?: string;
      kind: string;
      name: string;
      uid?: string;
      controller?: boolean;
    }[];
    managedFields?: { manager?: string; operation?: string }[];
    [key: string]: unknown;
  };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs differ per kind; playbooks read what they need
  spec?: Record<string, any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status?: Record<string, any>;
  [key: string]: unknown;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export const refOf = (o: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): ObjectRef => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  ...(o.metadata.namespace ? { namespace: o.metadata.namespace } : {}),
  name: o.metadata.name,
});

/** `NetworkPolicy payments/ztv-default-deny`, `Node node-1`. */
export const refText = (r: ObjectRef): string => `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;

/** client-node hands back class instances with Dates; records and diffs want plain JSON. */
const plain = <T>(v: unknown): T => JSON.parse(JSON.stringify(v)) as T;

/**
 * The few Kubernetes calls playbooks make, through client-node's KubernetesObjectApi, every failure a KubeError (with
 * `retry`). Reads of a missing object are `undefined`, not errors.
 */
export class KubeOps {
  constructor(private readonly kube: Pick<KubeClients, 'objects'>) {}

  async read(ref: ObjectRef): Promise<KubeObject | undefined> {
    try {
      const o = await this.kube.objects.read({
        apiVersion: ref.apiVersion,
        kind: ref.kind,
        metadata: { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
      });
      return { ...plain<KubeObject>(o), apiVersion: ref.apiVersion, kind: ref.kind };
    } catch (err) {
      const e = toKubeError(err, { op: 'get', ...ref });
      if (e instanceof KubeNotFoundError) return undefined;
      throw e;
    }
  }

  /** Every object of a kind (in one namespace, or cluster-wide for cluster-scoped kinds), with apiVersion and kind set. */
  async list(apiVersion: string, kind: string, namespace?: string): Promise<KubeObject[]> {
    try {
      const out = await this.kube.objects.list(apiVersion, kind, namespace);
      return plain<KubeObject[]>(out.items).map((o) => ({ ...o, apiVersion, kind }));
    } catch (err) {
      throw toKubeError(err, { op: 'list', apiVersion, kind, namespace });
    }
  }

  /** Server-side apply as ztv-remediator, never forced: ztv applies only objects it owns (see docs/remediation.md). */
  async apply(obj: KubeObject, opts: { dryRun: boolean }): Promise<KubeObject> {
    const out = await serverSideApply(this.kube.objects, obj as KubernetesObject, {
      fieldManager,
      dryRun: opts.dryRun,
    });
    return { ...plain<KubeObject>(out), apiVersion: obj.apiVersion, kind: obj.kind };
  }

  /**
   * JSON merge patch (RFC 7386) of someone else's object, recorded as ztv-remediator's Update. A resourceVersion in
   * `patch.metadata` is a precondition: the object changed since it was read → KubeConflictError (retried).
   */
  async mergePatch(
    ref: ObjectRef,
    patch: Record<string, unknown>,
    opts: { dryRun: boolean },
  ): Promise<KubeObject> {
    const metadata = (patch.metadata ?? {}) as Record<string, unknown>;
    const body = {
      ...patch,
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      metadata: { ...metadata, name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}) },
    } as KubernetesObject;
    try {
      const out = await this.kube.objects.patch(
        body,
        undefined,
        opts.dryRun ? 'All' : undefined,
        fieldManager,
        undefined,
        PatchStrategy.MergePatch,
      );
      return { ...plain<KubeObject>(out), apiVersion: ref.apiVersion, kind: ref.kind };
    } catch (err) {
      throw toKubeError(err, { op: 'patch', ...ref });
    }
  }
}

/** Whether `manager` owns any field of the object (server-side apply bookkeeping). */
export function managedBy(o: KubeObject | undefined, manager: string = fieldManager): boolean {
  return (o?.metadata.managedFields ?? []).some((m) => m.manager === manager);
}
