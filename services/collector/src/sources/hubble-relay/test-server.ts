import { loadPackageDefinition, Server, ServerCredentials, status, type ServerWritableStream, type ServiceClientConstructor } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { OBSERVER_LOAD_OPTIONS, rfc3339ToTimestamp, timestampToRfc3339, type ProtoTimestamp } from './proto';
import { nanos } from './resume-point';

type Json = Record<string, unknown>;
type Call = ServerWritableStream<Json, Json>;

export interface ObserverTestServer {
  address: string;
  /** Every GetFlowsRequest received, as decoded. */
  requests: Json[];
  /** Streams a flow to every open follow stream (and keeps it for later `since` requests). */
  push(flowJson: Json): void;
  /** Ends every open stream with UNAVAILABLE, as a Relay restart does. */
  dropStreams(): void;
  close(): Promise<void>;
}

/**
 * A Hubble Observer for tests: a real @grpc/grpc-js server speaking the trimmed observer proto, serving the
 * given flows in their `hubble observe -o jsonpb` JSON form converted to proto messages. GetFlows honours
 * `since` (inclusive) and `follow`.
 */
export async function startObserverTestServer(flows: Json[]): Promise<ObserverTestServer> {
  const pkg = loadPackageDefinition(loadSync('observer/observer.proto', OBSERVER_LOAD_OPTIONS)) as unknown as { observer: { Observer: ServiceClientConstructor } };
  const stored = [...flows];
  const open = new Set<Call>();
  const requests: Json[] = [];
  const server = new Server();
  server.addService(pkg.observer.Observer.service, {
    GetFlows(call: Call) {
      requests.push(call.request);
      const since = call.request.since as ProtoTimestamp | undefined;
      const from = since ? nanos(timestampToRfc3339(since) ?? '') : undefined;
      for (const f of stored) if (from === undefined || (nanos(timeOf(f)) ?? 0n) >= from) call.write(jsonToProto(f));
      if (!call.request.follow) return call.end();
      open.add(call);
      call.on('cancelled', () => open.delete(call));
      call.on('close', () => open.delete(call));
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    address: `127.0.0.1:${port}`,
    requests,
    push(f) {
      stored.push(f);
      for (const c of open) c.write(jsonToProto(f));
    },
    dropStreams() {
      for (const c of open) c.emit('error', { code: status.UNAVAILABLE, details: 'relay restarting' });
      open.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of open) c.end();
        server.tryShutdown(() => resolve());
      }),
  };
}

function timeOf(f: Json): string {
  const flow = (f.flow ?? f) as Json;
  return String(flow.time ?? f.time ?? '');
}

/** `hubble observe -o jsonpb` JSON → a GetFlowsResponse message (Timestamps and the BoolValue wrapper). */
export function jsonToProto(f: Json): Json {
  const flow = { ...((f.flow ?? f) as Json) };
  if (typeof flow.time === 'string') flow.time = rfc3339ToTimestamp(flow.time);
  if (typeof flow.is_reply === 'boolean') flow.is_reply = { value: flow.is_reply };
  const time = typeof f.time === 'string' ? rfc3339ToTimestamp(f.time) : flow.time;
  return { flow, node_name: f.node_name ?? flow.node_name, time };
}
