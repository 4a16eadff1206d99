import { createGunzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { DeadLetterInput } from '@ztv/bus';
import type { FlowEvent } from '@ztv/events';
import { parseEnvoyAccessLog } from '@ztv/formats';
import { BackpressureError } from '../../http/errors';
import type { SourceContext, SourceModule } from '../types';
import { FlowPipelines } from './flow-pipelines';
import { accessLogRecord, proxyOrigin } from './otlp-access-log';
import { decodeOtlpLogsProtobuf, encodeOtlpLogsResponse, logRecordsOf } from './otlp-decode';

const PROTOBUF = 'application/x-protobuf';

/**
 * A gzip body inflated on the way in; the body limit then applies to the inflated size. Fastify compares
 * Content-Length with `receivedEncodedLength`, which counts the compressed bytes.
 */
function gunzipped(payload: NodeJS.ReadableStream): NodeJS.ReadableStream {
  const out = createGunzip() as ReturnType<typeof createGunzip> & { receivedEncodedLength: number };
  out.receivedEncodedLength = 0;
  payload.on('data', (chunk: Buffer) => (out.receivedEncodedLength += chunk.length));
  payload.on('error', (err) => out.destroy(err));
  // A body that is not gzip is the client's mistake: 400, not 500.
  out.on('error', (err: Error & { statusCode?: number }) => {
    err.statusCode ??= 400;
    err.message = `the body is not valid gzip: ${err.message}`;
  });
  return payload.pipe(out);
}

/**
 * POST /v1/logs: OTLP/HTTP logs (JSON or binary protobuf, optionally gzip) carrying Envoy access logs from
 * Istio's OpenTelemetry access-log provider (`envoyOtelAls`). Each log record's attributes (the Telemetry API's
 * `logFormat.labels`) are read as an Envoy JSON access-log record; the sidecar's pod comes from the Istio node
 * id in the resource. Records that are not access logs are rejected in `partialSuccess` and dead-lettered.
 */
export class OtlpLogsSource implements SourceModule {
  static readonly path = '/v1/logs';
  readonly name = 'envoy-als';
  private readonly pipelines: FlowPipelines;

  constructor(private readonly ctx: SourceContext) {
    this.pipelines = new FlowPipelines(ctx);
  }

  async start(): Promise<void> {
    this.ctx.app.register(async (scope: FastifyInstance) => {
      scope.addContentTypeParser(PROTOBUF, { parseAs: 'buffer' }, (_req, body, done) => {
        try {
          done(null, decodeOtlpLogsProtobuf(body as Buffer));
        } catch (err) {
          done(Object.assign(new Error(`not an OTLP ExportLogsServiceRequest: ${(err as Error).message}`), { statusCode: 400 }), undefined);
        }
      });
      scope.addHook('preParsing', async (req, _reply, payload) => (req.headers['content-encoding'] === 'gzip' ? gunzipped(payload) : payload));
      scope.post(OtlpLogsSource.path, { preHandler: this.ctx.authenticate }, async (req, reply) => {
        const protobuf = (req.headers['content-type'] ?? '').startsWith(PROTOBUF);
        const records = logRecordsOf(req.body);
        if (!records) return reply.code(400).send({ error: 'bad_request', message: 'not an OTLP ExportLogsServiceRequest: resourceLogs[] is missing' });
        const { rejected, message } = await this.ingest(records);
        const response = rejected ? { partialSuccess: { rejectedLogRecords: String(rejected), errorMessage: message } } : {};
        return this.respond(reply, protobuf, response);
      });
    });
  }

  async stop(): Promise<void> {
    await this.pipelines.stop();
  }

  private async ingest(records: ReturnType<typeof logRecordsOf> & object): Promise<{ rejected: number; message: string }> {
    const pipeline = this.pipelines.get(this.name);
    if (!pipeline.healthy) throw new BackpressureError('flows are waiting for Kafka; retry later', this.ctx.env.COLLECTOR_RETRY_AFTER_SECONDS);
    const observedAt = this.ctx.clock().toISOString();
    const flows: FlowEvent[] = [];
    const deadLetters: Omit<DeadLetterInput, 'time'>[] = [];
    for (const [i, r] of records.entries()) {
      const ctx = { cluster: this.ctx.cluster, observedAt, source: this.name, file: `otlp logRecords[${i}]`, ...proxyOrigin(r.resource) };
      for (const o of parseEnvoyAccessLog(accessLogRecord(r), ctx)) {
        if ('event' in o && o.event.type === 'flow') flows.push(o.event);
        else if (!o.ok) deadLetters.push({ source: this.name, stage: 'parse', reason: o.error.message, raw: JSON.stringify(r.record) });
      }
    }
    this.ctx.counters.count(this.name, 'received', records.length);
    if (deadLetters.length) await this.ctx.sink.publish([], deadLetters);
    pipeline.accept(flows);
    const message = deadLetters.length ? `${deadLetters.length} log record(s) are not Envoy access logs: ${deadLetters[0]?.reason ?? ''}` : '';
    return { rejected: deadLetters.length, message };
  }

  private respond(reply: FastifyReply, protobuf: boolean, body: Record<string, unknown>): FastifyReply {
    if (protobuf) return reply.code(200).type(PROTOBUF).send(encodeOtlpLogsResponse(body));
    return reply.code(200).send(body);
  }
}
