import type { ZtvEvent } from './envelope';

export type Headers = Record<string, string>;

/** CloudEvents Kafka binding: binary-mode ce_* headers beside a structured JSON body (DESIGN §3). */
export function cloudEventHeaders(e: ZtvEvent, traceparent?: string): Headers {
  const h: Headers = {
    ce_specversion: '1.0',
    ce_id: e.id,
    ce_type: `io.ztv.${e.type}.v1`,
    ce_source: `/ztv/${e.cluster}/${e.source}`,
    ce_time: e.time,
    'content-type': 'application/json',
  };
  if (traceparent) h.traceparent = traceparent;
  return h;
}
