import type { ZtvEvent } from './envelope';

export const CLUSTER_SCOPE = '_cluster';
export const NODE_SCOPE = '_node';

/** Namespaces whose mesh-wide / cluster-wide objects every worker needs (DESIGN §1). */
const globalKinds = new Set(['CiliumClusterwideNetworkPolicy', 'Node', 'Namespace']);
const meshWideKinds = new Set(['PeerAuthentication', 'AuthorizationPolicy']);

/** Partition key of an event: `<cluster>/<namespace>`, `<cluster>/_cluster` or `<cluster>/_node/<node>`. */
export function partitionKeyOf(e: ZtvEvent): string {
  switch (e.type) {
    case 'clock':
      return `${e.cluster}/${NODE_SCOPE}/${e.data.node}`;
    case 'k8s.resource':
      return `${e.cluster}/${e.data.namespace ?? CLUSTER_SCOPE}`;
    case 'k8s.audit':
      return `${e.cluster}/${e.data.objectRef?.namespace || CLUSTER_SCOPE}`;
    case 'flow': {
      const ns = e.data.source.namespace ?? e.data.destination.namespace;
      return `${e.cluster}/${ns ?? CLUSTER_SCOPE}`;
    }
    case 'cert': {
      const ns = e.data.origin.namespace ?? namespaceOfSpiffeId(e.data.spiffeIds[0]);
      return `${e.cluster}/${ns ?? CLUSTER_SCOPE}`;
    }
  }
}

/** Record key: resources are keyed per object so compaction keeps one record each. */
export function recordKeyOf(e: ZtvEvent): string {
  if (e.type === 'k8s.resource') {
    return `${e.cluster}/${e.data.namespace ?? CLUSTER_SCOPE}/${e.data.kind}/${e.data.name}`;
  }
  return partitionKeyOf(e);
}

/** The part of a record key the namespace partitioner hashes (so resource records co-partition). */
export function partitionPartOfKey(recordKey: string): string {
  const parts = recordKey.split('/');
  if (parts[1] === NODE_SCOPE) return parts.slice(0, 3).join('/');
  return parts.slice(0, 2).join('/');
}

/** True when a resource also belongs on the global table (ztv.global.v1). */
export function isGlobalResource(e: ZtvEvent, meshRootNamespace = 'istio-system'): boolean {
  if (e.type !== 'k8s.resource') return false;
  if (globalKinds.has(e.data.kind)) return true;
  return meshWideKinds.has(e.data.kind) && e.data.namespace === meshRootNamespace;
}

/** `spiffe://td/ns/<ns>/sa/<sa>` → ns. */
export function namespaceOfSpiffeId(id: string | undefined): string | undefined {
  return id ? /^spiffe:\/\/[^/]+\/ns\/([^/]+)\/sa\/[^/]+$/.exec(id)?.[1] : undefined;
}
export function serviceAccountOfSpiffeId(id: string | undefined): string | undefined {
  return id ? /^spiffe:\/\/[^/]+\/ns\/[^/]+\/sa\/([^/]+)$/.exec(id)?.[1] : undefined;
}
