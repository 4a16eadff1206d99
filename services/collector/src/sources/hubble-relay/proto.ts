import { fileURLToPath } from 'node:url';
import { loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';

/** services/collector/proto: the trimmed upstream definitions (see PROVENANCE.md there). */
export const PROTO_DIR = fileURLToPath(new URL('../../../proto/', import.meta.url));

/**
 * Proto field names as written (`drop_reason_desc`, `IP`, `l4`), enums as names, 64-bit integers as strings:
 * the shape of `hubble observe -o jsonpb`, which is what @ztv/formats reads.
 */
export const OBSERVER_LOAD_OPTIONS: Options = { keepCase: true, longs: String, enums: String, defaults: false, oneofs: false, includeDirs: [PROTO_DIR] };

let observer: ServiceClientConstructor | undefined;

/** The generated client class of `observer.Observer` (loaded once). */
export function observerClient(): ServiceClientConstructor {
  if (!observer) {
    const pkg = loadPackageDefinition(loadSync('observer/observer.proto', OBSERVER_LOAD_OPTIONS)) as unknown as {
      observer: { Observer: ServiceClientConstructor };
    };
    observer = pkg.observer.Observer;
  }
  return observer;
}

export interface ProtoTimestamp {
  seconds?: string | number;
  nanos?: number;
}

/** google.protobuf.Timestamp → RFC 3339 with nanoseconds (as protojson prints it). */
export function timestampToRfc3339(t: ProtoTimestamp | undefined): string | undefined {
  if (!t || t.seconds === undefined) return undefined;
  const seconds = Number(t.seconds);
  if (!Number.isFinite(seconds)) return undefined;
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  const nanos = t.nanos ?? 0;
  return nanos ? `${base}.${String(nanos).padStart(9, '0')}Z` : `${base}Z`;
}

/** RFC 3339 (any fraction up to nanoseconds) → google.protobuf.Timestamp. */
export function rfc3339ToTimestamp(s: string): ProtoTimestamp | undefined {
  const m = /^(.*?T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/.exec(s);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return { seconds: String(Math.floor(ms / 1000)), nanos: Number((m[2] ?? '').padEnd(9, '0')) };
}
