import type { DeadLetterInput } from '@ztv/bus';
import type { ZtvEvent } from '@ztv/events';
import { parseKubeObject } from '@ztv/formats';

type Json = Record<string, unknown>;

export interface ObjectEvents {
  events: ZtvEvent[];
  deadLetters: Omit<DeadLetterInput, 'time'>[];
}

export const SOURCE = 'kube-watch';

/**
 * A watched object as events: a `k8s.resource` upsert (or delete) normalized by @ztv/formats (Secrets keep only
 * their certificates: a TLS Secret leaves the collector as its tls.crt / ca.crt, never its key), plus the `cert`
 * events a TLS Secret, trust-bundle ConfigMap or cert-manager Certificate carries (upserts only). `managedFields`
 * is dropped: it is large and no rule reads it. A delete's id is `<uid>@deleted`, the same whether the watch saw
 * the deletion or a relist found the object gone.
 */
export function objectEvents(object: Json, op: 'upsert' | 'delete', ctx: { cluster: string; observedAt: string }): ObjectEvents {
  const meta = (object.metadata ?? {}) as Json;
  const { managedFields: _managedFields, ...metadata } = meta;
  const slim = { ...object, metadata };
  const items = parseKubeObject(slim, { cluster: ctx.cluster, observedAt: ctx.observedAt, source: SOURCE, file: `${String(object.kind)} ${String(meta.namespace ?? '')}/${String(meta.name)}` });
  const out: ObjectEvents = { events: [], deadLetters: [] };
  for (const item of items) {
    if (!item.ok) {
      out.deadLetters.push({ source: SOURCE, stage: 'parse', reason: item.error.message, raw: JSON.stringify(slim) });
      continue;
    }
    const e = item.event;
    if (op === 'upsert') out.events.push(e);
    else if (e.type === 'k8s.resource') {
      const identity = e.data.uid || `${e.data.kind}/${e.data.namespace ?? '_cluster'}/${e.data.name}`;
      out.events.push({ ...e, id: `${identity}@deleted`, data: { ...e.data, op: 'delete' } });
    }
  }
  return out;
}
