import type { FlowData, FlowEndpoint } from '@ztv/events';
import type { LineParser } from '../engine/handler';
import { emit, fail, itemsOf, placeOne, SKIP, type Out } from '../internal/emit';
import { contentId } from '../internal/hash';
import { isRecord, parseJson } from '../internal/json';
import { logfmt } from '../internal/logfmt';
import { compact, identityFields, merge, splitHostPort } from '../internal/net';
import { toRfc3339 } from '../internal/time';
import type { ParseContext, ParseItem, Position } from '../types';

const FORMAT = 'ztunnel-log' as const;
const RECORD_START = /^\d{4}-\d{2}-\d{2}T\S+\s/;
const CONTINUATION = /^\s*[\w.]+=/;

interface ZtunnelRecord {
  time: string;
  level: string;
  target: string;
  message: string;
  fields: Record<string, string>;
}

/**
 * Istio ambient ztunnel logs → `flow` events (reporter `ztunnel`) for `access` records. Text records are
 * `<time>\t<level>\t<target>\t<message>\t<key=value ...>`; a line that does not start with a timestamp but
 * continues key=value pairs belongs to the record above it (wrapped logs). JSON-format lines work too.
 * Other targets and `connection opened` records (their `complete` twin carries the same connection) are skipped.
 */
export function ztunnelParser(ctx: ParseContext): LineParser {
  let open: { text: string; pos: Position } | undefined;
  const flush = (): Out[] => {
    if (!open) return [];
    const { text, pos } = open;
    open = undefined;
    return [placeOne(ztunnelRecord(text, ctx), pos)];
  };
  return {
    line(text, pos) {
      if (text.trim().startsWith('{')) return [...flush(), placeOne(ztunnelRecord(text, ctx), pos)];
      if (RECORD_START.test(text)) {
        const out = flush();
        open = { text, pos };
        return out;
      }
      if (open && CONTINUATION.test(text)) {
        open.text += ` ${text.trim()}`;
        return [];
      }
      return text.trim() === '' ? [] : [...flush(), SKIP];
    },
    end: flush,
  };
}

/** One whole ztunnel record (text or JSON) → a flow, an error, or nothing (not an access record). */
export function parseZtunnelLogLine(line: string, ctx: ParseContext): ParseItem[] {
  return itemsOf(ztunnelRecord(line, ctx));
}

function ztunnelRecord(line: string, ctx: ParseContext): Out {
  const r = line.trim().startsWith('{') ? fromJson(line, ctx) : fromText(line);
  if (!r || 'ok' in r) return r ?? SKIP;
  if (r.target !== 'access' || r.message === 'connection opened') return SKIP;
  const time = toRfc3339(r.time);
  if (!time) return fail(ctx, FORMAT, `access record without a valid timestamp (${r.time})`, line);
  return emit(ctx, FORMAT, { type: 'flow', id: `ztunnel:${contentId(r)}`, time, data: flowOf(r.fields) });
}

function fromText(line: string): ZtunnelRecord | undefined {
  const parts = line.split('\t');
  if (parts.length >= 4) {
    const [time = '', level = '', target = '', message = '', ...rest] = parts;
    return { time, level: level.trim(), target: target.trim(), message: message.trim(), fields: logfmt(rest.join('\t')) };
  }
  const m = /^(\S+)\s+(\S+)\s+(\S+)\s+(.*)$/.exec(line);
  if (!m) return undefined;
  const tail = m[4] ?? '';
  const firstField = tail.search(/(^|\s)[\w.]+=/);
  const message = firstField < 0 ? tail : tail.slice(0, firstField);
  return { time: m[1] ?? '', level: m[2] ?? '', target: m[3] ?? '', message: message.trim(), fields: logfmt(firstField < 0 ? '' : tail.slice(firstField)) };
}

function fromJson(line: string, ctx: ParseContext): ZtunnelRecord | ParseItem {
  const j = parseJson(line);
  if (!j.ok) return fail(ctx, FORMAT, j.reason, line);
  if (!isRecord(j.value)) return fail(ctx, FORMAT, 'not a ztunnel record: expected a JSON object', line);
  const o = j.value;
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) if (typeof v === 'string' || typeof v === 'number') fields[k] = String(v);
  const s = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : '');
  return { time: s('time') || s('timestamp'), level: s('level'), target: s('scope') || s('target'), message: s('message') || s('msg'), fields };
}

function flowOf(f: Record<string, string>): FlowData {
  const outbound = f.direction === 'outbound';
  const inbound = f.direction === 'inbound';
  const dstAddr = splitHostPort(f['dst.hbone_addr'] ?? f['dst.addr']);
  const hbone = f['dst.hbone_addr'] !== undefined || splitHostPort(f['dst.addr']).port === 15008;
  const srcId = f['src.identity'] || undefined;
  const dstId = f['dst.identity'] || undefined;
  const peer = outbound ? dstId : inbound ? srcId : undefined;
  const error = f.error;
  return {
    verdict: error ? (/rbac|polic|denied|reject/i.test(error) ? 'denied' : 'error') : 'forwarded',
    direction: outbound ? 'egress' : inbound ? 'ingress' : 'unknown',
    reporter: 'ztunnel',
    source: merge<FlowEndpoint>(identityFields(srcId), splitHostPort(f['src.addr']), { pod: f['src.workload'], namespace: f['src.namespace'] }),
    destination: merge<FlowEndpoint>(identityFields(dstId), dstAddr, {
      pod: f['dst.workload'],
      namespace: f['dst.namespace'],
      dnsNames: f['dst.service'] ? [f['dst.service']] : undefined,
    }),
    protocol: 'TCP',
    mtls: hbone || peer ? compact({ mode: 'mutual' as const, peerPrincipal: peer }) : { mode: 'none' },
    count: 1,
  };
}
