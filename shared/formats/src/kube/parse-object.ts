import type { z } from 'zod';
import type { resourceData } from '@ztv/events';
import { auditRecord, isAuditEventShape } from '../audit/parse-audit';
import { emit, fail, itemsOf, safeStringify, within } from '../internal/emit';
import { contentId } from '../internal/hash';
import { isRecord, rec, str, type JsonRecord } from '../internal/json';
import { redactSecret } from '../internal/secret-redact';
import type { ParseContext, ParseItem } from '../types';
import { isKnownKind, namespaceOf } from './kinds';
import { certsOfObject } from './object-certs';

const FORMAT = 'k8s-objects' as const;

/**
 * One top-level value of a manifest or `kubectl get -o json|yaml` output: an object, a `List` / `*List`
 * (items of typed lists get their kind and apiVersion from the list), an array, or an audit Event
 * (audit logs are sometimes kept as YAML next to manifests).
 */
export function kubeRecord(v: unknown, ctx: ParseContext, depth = 0): ParseItem[] {
  // Arrays and Lists are expanded one level deep: input nesting never turns into recursion here.
  if (depth > 1) return [fail(ctx, FORMAT, 'not a Kubernetes object: lists nested in lists')];
  if (Array.isArray(v)) return v.flatMap((item, i) => within(kubeRecord(item, ctx, depth + 1), `[${i}]`));
  if (!isRecord(v)) return [fail(ctx, FORMAT, 'not a Kubernetes object: expected a mapping', String(v).slice(0, 200))];
  const kind = str(v, 'kind');
  const apiVersion = str(v, 'apiVersion');
  if (isAuditEventShape(v) || (kind === 'EventList' && apiVersion?.startsWith('audit.k8s.io/'))) return auditRecord(v, ctx);
  if (kind && apiVersion && kind.endsWith('List') && Array.isArray(v.items)) {
    const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
    return v.items.flatMap((item, i) => {
      const typed = isRecord(item) && itemKind ? { kind: itemKind, apiVersion, ...item } : item;
      return within(kubeRecord(typed, ctx, depth + 1), `items[${i}]`);
    });
  }
  return parseKubeObject(v, ctx);
}

/**
 * A Kubernetes object → a `k8s.resource` upsert, id `<uid or kind/ns/name>@<resourceVersion>` (a content hash
 * stands in for the resourceVersion of a manifest that has none, so an edited manifest is a new event).
 * Secrets are stored without their values; TLS Secrets, trust-bundle ConfigMaps and cert-manager
 * Certificates also yield `cert` events.
 */
export function parseKubeObject(v: unknown, ctx: ParseContext): ParseItem[] {
  if (!isRecord(v)) return [fail(ctx, FORMAT, 'not a Kubernetes object: expected a mapping')];
  const kind = str(v, 'kind');
  const apiVersion = str(v, 'apiVersion');
  const meta = rec(v, 'metadata');
  const name = str(meta, 'name');
  // JSON, not String(): a value whose toString is not callable must not make the parser throw (found by fuzzing).
  const snippet = () => `apiVersion: ${safeStringify(v.apiVersion)} kind: ${safeStringify(v.kind)} name: ${safeStringify(meta?.name)}`;
  if (!kind || !apiVersion) return [fail(ctx, FORMAT, 'not a Kubernetes object: apiVersion and kind are required', snippet())];
  if (!name) return [fail(ctx, FORMAT, `${kind} without metadata.name`, snippet())];

  const namespace = namespaceOf(apiVersion, kind, str(meta, 'namespace'), ctx.namespace);
  const uid = str(meta, 'uid') ?? '';
  const resourceVersion = str(meta, 'resourceVersion') ?? '';
  const object = kind === 'Secret' && apiVersion === 'v1' ? redactSecret(v) : v;
  const identity = uid || `${kind}/${namespace ?? '_cluster'}/${name}`;
  const version = resourceVersion || `sha256:${contentId(object)}`;
  const data: z.input<typeof resourceData> = {
    op: 'upsert',
    apiVersion,
    kind,
    ...(namespace ? { namespace } : {}),
    name,
    uid,
    resourceVersion,
    object: object as JsonRecord,
    known: isKnownKind(apiVersion, kind),
  };
  const resource = emit(ctx, FORMAT, { type: 'k8s.resource', id: `${identity}@${version}`, data });
  const certs = itemsOf(certsOfObject(v, kind, apiVersion, { namespace, name, uid }, ctx));
  return [resource, ...certs];
}
