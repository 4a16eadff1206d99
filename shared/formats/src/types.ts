import type { ZtvEvent } from '@ztv/events';
import type { FormatError } from './errors';

/** Every source format @ztv/formats reads. */
export const formatIds = [
  'k8s-audit',
  'k8s-objects',
  'hubble',
  'envoy-access-log',
  'ztunnel-log',
  'envoy-certs',
  'pem',
  'spiffe-bundle',
  'spire-log',
  'chrony',
  'chrony-csv',
  'timex',
] as const;
export type FormatId = (typeof formatIds)[number];

export function isFormatId(s: string): s is FormatId {
  return (formatIds as readonly string[]).includes(s);
}

/** What a parser knows about where its input came from. Parsers read no clock: `observedAt` is injected. */
export interface ParseContext {
  cluster: string;
  /** Envelope `source`; each format has a default (e.g. 'hubble', 'audit-log', 'chrony'). */
  source?: string;
  /** File name (or other origin) for errors and, where a format needs it, the node name. */
  file?: string;
  /** Skip detection and read the input as this format (`--format`). */
  format?: FormatId;
  /** The node the input was taken from (chrony, PEM files read on a node). */
  node?: string;
  /** Namespace and pod the input was taken from (a sidecar's access log, an Envoy /certs dump). */
  namespace?: string;
  pod?: string;
  /** That pod's IP: tells an inbound sidecar log entry that found no route (no upstream cluster) from an outbound one. */
  podIp?: string;
  /** The collector's clock (RFC 3339): envelope `observedAt`, and `time` when the input carries none. */
  observedAt: string;
}

export type ParseItem = { ok: true; event: ZtvEvent } | { ok: false; error: FormatError };

export interface ParseResult {
  /** The format the input was read as; undefined when it could not be recognised. */
  format: FormatId | undefined;
  events: ZtvEvent[];
  errors: FormatError[];
  /** Records that were well-formed but carry nothing ztv uses (e.g. SPIRE lines not about SVIDs). */
  skipped: number;
}

/** Where a line or record starts: 1-based line, 0-based UTF-8 byte offset. */
export interface Position {
  line: number;
  offset: number;
}
