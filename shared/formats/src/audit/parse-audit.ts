import type { z } from 'zod';
import type { auditData } from '@ztv/events';
import { emit, fail, within } from '../internal/emit';
import { isRecord, rec, str, type JsonRecord } from '../internal/json';
import { redactSecret, redactSecretPatch } from '../internal/secret-redact';
import { toRfc3339 } from '../internal/time';
import type { ParseContext, ParseItem } from '../types';
import { leaseRenewalToClock } from '../clock/lease';

const FORMAT = 'k8s-audit' as const;
const API_VERSIONS = new Set(['audit.k8s.io/v1', 'audit.k8s.io/v1beta1']);

/**
 * An audit Event by its shape: `kind: Event` of audit.k8s.io, or (falco traces) no apiVersion and no kind
 * other than Event, but auditID + verb + stage.
 */
export function isAuditEventShape(v: unknown): boolean {
  if (!isRecord(v)) return false;
  if (typeof v.apiVersion === 'string' && API_VERSIONS.has(v.apiVersion)) return v.kind === undefined || v.kind === 'Event';
  return v.apiVersion === undefined && (v.kind === undefined || v.kind === 'Event') && 'auditID' in v && 'verb' in v && 'stage' in v;
}

/** One top-level value of an audit input: an Event, an EventList (webhook batch) or an array of Events. */
export function auditRecord(v: unknown, ctx: ParseContext): ParseItem[] {
  if (Array.isArray(v)) return v.flatMap((item, i) => within(parseAuditEvent(item, ctx), `[${i}]`));
  if (isRecord(v) && v.kind === 'EventList') {
    if (!Array.isArray(v.items)) return [fail(ctx, FORMAT, 'EventList without items[]', JSON.stringify(v).slice(0, 400))];
    return v.items.flatMap((item, i) => within(parseAuditEvent(item, ctx), `items[${i}]`));
  }
  return parseAuditEvent(v, ctx);
}

/**
 * An audit.k8s.io v1 / v1beta1 Event → a `k8s.audit` event (id `<auditID>/<stage>`), plus a `clock` reading
 * when it records a kubelet renewing its node Lease. Secret payloads are stripped before anything is kept.
 */
export function parseAuditEvent(v: unknown, ctx: ParseContext): ParseItem[] {
  const snippet = () => JSON.stringify(v)?.slice(0, 400) ?? '';
  if (!isRecord(v)) return [fail(ctx, FORMAT, 'not an audit event: expected a JSON object', snippet())];
  if (!isAuditEventShape(v)) {
    const what = `kind ${JSON.stringify(v.kind)}, apiVersion ${JSON.stringify(v.apiVersion)}`;
    return [fail(ctx, FORMAT, `not an audit.k8s.io Event (${what})`, snippet())];
  }
  const auditID = str(v, 'auditID');
  const stage = str(v, 'stage');
  if (!auditID) return [fail(ctx, FORMAT, 'audit event without auditID', snippet())];
  if (!stage) return [fail(ctx, FORMAT, 'audit event without stage', snippet())];

  const data = normalize(v);
  const time = toRfc3339(v.stageTimestamp) ?? toRfc3339(v.requestReceivedTimestamp) ?? toRfc3339(v.timestamp);
  const item = emit(ctx, FORMAT, { type: 'k8s.audit', id: `${auditID}/${stage}`, time, data: data as z.input<typeof auditData> });
  if (!item.ok || item.event.type !== 'k8s.audit') return [item];
  const clock = leaseRenewalToClock(item.event);
  return clock ? [item, { ok: true, event: clock }] : [item];
}

/** Request/response bodies as the schema holds them, with Secret values removed. */
function normalize(v: JsonRecord): JsonRecord {
  const out: JsonRecord = { ...v };
  if (Array.isArray(out.requestObject)) {
    // A JSON Patch body is an array, which `requestObject` (an object) cannot hold.
    out.requestPatch = out.requestObject;
    delete out.requestObject;
  } else if (out.requestObject !== undefined && !isRecord(out.requestObject)) delete out.requestObject;
  if (out.responseObject !== undefined && !isRecord(out.responseObject)) delete out.responseObject;
  if (str(rec(v, 'objectRef'), 'resource') === 'secrets') {
    if (isRecord(out.requestObject)) out.requestObject = redactSecret(out.requestObject);
    if (isRecord(out.responseObject)) out.responseObject = redactSecret(out.responseObject);
    if (Array.isArray(out.requestPatch)) out.requestPatch = redactSecretPatch(out.requestPatch);
  }
  return out;
}
