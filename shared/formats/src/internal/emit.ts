import type { z } from 'zod';
import {
  ztvEvent,
  sha256Hex,
  type auditData,
  type certData,
  type clockData,
  type EventType,
  type flowData,
  type resourceData,
} from '@ztv/events';
import { FormatError } from '../errors';
import type { FormatId, ParseContext, ParseItem, Position } from '../types';

/** What a format handler returns per record: events, errors, or a marker for a record it had no use for. */
export type Out = ParseItem | Skip;
export interface Skip {
  ok: true;
  skipped: true;
}
export const SKIP: Skip = { ok: true, skipped: true };

/** What the public per-format functions return: the items, without the engine's skip markers. */
export function itemsOf(outs: Out | Out[]): ParseItem[] {
  return (Array.isArray(outs) ? outs : [outs]).filter((o): o is ParseItem => !isSkip(o));
}

export function isSkip(o: Out): o is Skip {
  return 'skipped' in o;
}

interface DataInput {
  'k8s.audit': z.input<typeof auditData>;
  'k8s.resource': z.input<typeof resourceData>;
  flow: z.input<typeof flowData>;
  cert: z.input<typeof certData>;
  clock: z.input<typeof clockData>;
}

export interface Draft<T extends EventType> {
  type: T;
  id: string;
  /** When it happened; the context's observedAt when the source does not say. */
  time?: string | undefined;
  source?: string;
  data: DataInput[T];
}

/** Envelope `source` when the context does not set one. */
const defaultSource: Record<FormatId, string> = {
  'k8s-audit': 'audit-log',
  'k8s-objects': 'manifest',
  hubble: 'hubble',
  'envoy-access-log': 'envoy-access-log',
  'ztunnel-log': 'ztunnel',
  'envoy-certs': 'envoy-certs',
  pem: 'pem',
  'spiffe-bundle': 'spiffe-bundle',
  'spire-log': 'spire',
  chrony: 'chrony',
  'chrony-csv': 'chrony',
  timex: 'node-exporter',
};

const ID_MAX = 512;

/** Builds the envelope and validates it against @ztv/events: what leaves this package always parses. */
export function emit<T extends EventType>(ctx: ParseContext, format: FormatId, d: Draft<T>): ParseItem {
  const candidate = {
    id: d.id.length > ID_MAX ? `${d.id.slice(0, 400)}#${sha256Hex(d.id).slice(0, 32)}` : d.id,
    type: d.type,
    cluster: ctx.cluster,
    source: d.source ?? ctx.source ?? defaultSource[format],
    time: d.time ?? ctx.observedAt,
    observedAt: ctx.observedAt,
    data: d.data,
  };
  const r = ztvEvent.safeParse(candidate);
  if (r.success) return { ok: true, event: r.data };
  const issue = r.error.issues[0];
  const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
  return fail(ctx, format, `does not fit the ${d.type} event schema (${where})`, safeStringify(d.data));
}

export function fail(ctx: ParseContext, format: FormatId | undefined, reason: string, snippet?: string, pos?: Position): ParseItem {
  return {
    ok: false,
    error: new FormatError({ file: ctx.file, format, reason, snippet, line: pos?.line, offset: pos?.offset }),
  };
}

/** Runs a handler so that nothing it throws escapes as anything but a FormatError item. */
export function guard(ctx: ParseContext, format: FormatId, snippet: string, fn: () => Out[]): Out[] {
  try {
    return fn();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return [fail(ctx, format, `cannot read record: ${message}`, snippet)];
  }
}

/** Places every error of a batch at `pos` (errors that already know their line keep it). */
export function placeAt(outs: Out[], pos: Position | undefined): Out[] {
  return outs.map((o) => (!o.ok && pos ? { ok: false, error: o.error.at(pos) } : o));
}

export function placeOne(o: Out, pos: Position): Out {
  return o.ok ? o : { ok: false, error: o.error.at(pos) };
}

/** Prefixes where-in-the-record (`items[3]`) to every error of a batch. */
export function within<T extends Out>(outs: T[], where: string): T[] {
  return outs.map((o) => (o.ok ? o : ({ ok: false, error: o.error.within(where) } as T)));
}

export function safeStringify(v: unknown): string {
  try {
    return (JSON.stringify(v) ?? '').slice(0, 2000);
  } catch {
    return '';
  }
}
