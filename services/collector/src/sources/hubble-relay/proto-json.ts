import { timestampToRfc3339, type ProtoTimestamp } from './proto';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A GetFlowsResponse as decoded by proto-loader → the JSON `hubble observe -o jsonpb` prints: Timestamps become
 * RFC 3339 strings and the BoolValue wrapper of `is_reply` its value. Everything else already has that shape.
 */
export function flowsResponseToJson(resp: Json): Json {
  const out: Json = { ...resp };
  if (isObject(resp.time)) out.time = timestampToRfc3339(resp.time as ProtoTimestamp);
  if (isObject(resp.flow)) {
    const flow: Json = { ...resp.flow };
    if (isObject(flow.time)) flow.time = timestampToRfc3339(flow.time as ProtoTimestamp);
    if (isObject(flow.is_reply)) flow.is_reply = flow.is_reply.value === true;
    out.flow = flow;
  }
  return out;
}

/** The time of a response's flow (or of the response), RFC 3339. */
export function responseTime(json: Json): string | undefined {
  const flow = isObject(json.flow) ? json.flow : undefined;
  const t = flow?.time ?? json.time;
  return typeof t === 'string' ? t : undefined;
}
