import type { ZtvEvent } from '@ztv/events';

/* Test helpers for rule tests: envelopes built the way the collector builds them. Not exported from the package. */

let seq = 0;

/** A clock fixed at `iso`, for `new RuleEngine({ clock: at('...') })`. */
export function at(iso: string): () => Date {
  const d = new Date(iso);
  return () => d;
}

type Obj = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
};

/** A k8s.resource event for a full object (as read from a manifest or a watch). */
export function resourceEvent(obj: Obj, op: 'upsert' | 'delete' = 'upsert', time = '2026-03-14T09:00:00Z'): ZtvEvent {
  const md = obj.metadata;
  return {
    id: `res-${++seq}`,
    type: 'k8s.resource',
    cluster: 'test',
    source: 'kube-watch',
    time,
    observedAt: time,
    data: {
      op,
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      ...(md.namespace ? { namespace: md.namespace } : {}),
      name: md.name,
      uid: md.uid ?? `uid-${md.namespace ?? ''}-${md.name}`,
      resourceVersion: md.resourceVersion ?? String(seq),
      object: obj as unknown as Record<string, unknown>,
    },
  };
}

/** Any other envelope: `event('flow', data, { time })`. */
export function event<T extends ZtvEvent['type']>(
  type: T,
  data: Extract<ZtvEvent, { type: T }>['data'],
  opts: { id?: string; time?: string; observedAt?: string; source?: string } = {},
): Extract<ZtvEvent, { type: T }> {
  const time = opts.time ?? '2026-03-14T09:00:00Z';
  return {
    id: opts.id ?? `${type}-${++seq}`,
    type,
    cluster: 'test',
    source: opts.source ?? 'test',
    time,
    observedAt: opts.observedAt ?? time,
    data,
  } as Extract<ZtvEvent, { type: T }>;
}
