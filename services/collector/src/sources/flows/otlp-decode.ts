import { loadPackageDefinition, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { PROTO_DIR } from '../hubble-relay/proto';

type Json = Record<string, unknown>;

interface ExportMethod {
  requestDeserialize(buf: Buffer): Json;
  responseSerialize(v: Json): Buffer;
}

let exportMethod: ExportMethod | undefined;

/**
 * OTLP LogsService.Export's codec from the trimmed proto (services/collector/proto/otlp). Decoded with
 * lower-camel-case names and 64-bit integers as strings: the same shape as the OTLP/JSON encoding.
 */
function codec(): ExportMethod {
  if (!exportMethod) {
    const def = loadSync('otlp/logs.proto', { keepCase: false, longs: String, bytes: String, enums: Number, defaults: false, oneofs: false, includeDirs: [PROTO_DIR] });
    const pkg = loadPackageDefinition(def) as unknown as { opentelemetry: { proto: { collector: { logs: { v1: { LogsService: ServiceClientConstructor } } } } } };
    exportMethod = pkg.opentelemetry.proto.collector.logs.v1.LogsService.service.Export as unknown as ExportMethod;
  }
  return exportMethod;
}

export function decodeOtlpLogsProtobuf(buf: Buffer): Json {
  return codec().requestDeserialize(buf);
}

export function encodeOtlpLogsResponse(v: Json): Buffer {
  return codec().responseSerialize(v);
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** An OTLP AnyValue as a plain value (int64 strings become numbers when they are safe integers). */
export function anyValue(v: unknown): unknown {
  if (!isObject(v)) return undefined;
  if ('stringValue' in v) return v.stringValue;
  if ('boolValue' in v) return v.boolValue;
  if ('intValue' in v) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : String(v.intValue);
  }
  if ('doubleValue' in v) return v.doubleValue;
  if (isObject(v.arrayValue)) return (Array.isArray(v.arrayValue.values) ? v.arrayValue.values : []).map(anyValue);
  if (isObject(v.kvlistValue)) return attributes(v.kvlistValue.values);
  if ('bytesValue' in v) return v.bytesValue;
  return undefined;
}

/** OTLP KeyValue[] → an object. */
export function attributes(kvs: unknown): Json {
  const out: Json = {};
  if (!Array.isArray(kvs)) return out;
  for (const kv of kvs) if (isObject(kv) && typeof kv.key === 'string') out[kv.key] = anyValue(kv.value);
  return out;
}

export interface OtlpLogRecord {
  resource: Json;
  record: Json;
}

/** Every log record of an ExportLogsServiceRequest, with its resource's attributes. */
export function logRecordsOf(req: unknown): OtlpLogRecord[] | undefined {
  if (!isObject(req) || !Array.isArray(req.resourceLogs)) return undefined;
  const out: OtlpLogRecord[] = [];
  for (const rl of req.resourceLogs) {
    if (!isObject(rl)) continue;
    const resource = attributes(isObject(rl.resource) ? rl.resource.attributes : undefined);
    // scopeLogs since OTLP 0.15; instrumentationLibraryLogs before (same field number).
    const scopes = Array.isArray(rl.scopeLogs) ? rl.scopeLogs : Array.isArray(rl.instrumentationLibraryLogs) ? rl.instrumentationLibraryLogs : [];
    for (const sl of scopes) {
      if (!isObject(sl) || !Array.isArray(sl.logRecords)) continue;
      for (const record of sl.logRecords) if (isObject(record)) out.push({ resource, record });
    }
  }
  return out;
}
