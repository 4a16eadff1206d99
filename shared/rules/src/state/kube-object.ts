/** A Kubernetes object as rules read it: typed metadata, the rest loose. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; controller?: boolean }[];
    [k: string]: unknown;
  };
  spec?: Record<string, unknown> & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  data?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [k: string]: unknown;
}

export function asKubeObject(o: Record<string, unknown>): KubeObject | undefined {
  const md = o.metadata as KubeObject['metadata'] | undefined;
  if (typeof o.kind !== 'string' || typeof o.apiVersion !== 'string' || !md || typeof md.name !== 'string') return undefined;
  return o as KubeObject;
}
