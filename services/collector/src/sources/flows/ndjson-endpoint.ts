import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { detectFormat, parseText, type FormatId } from '@ztv/formats';
import { BackpressureError } from '../../http/errors';
import { acceptText, deadLettersFor, issuesMessage, originContext, originQuery } from '../../http/ingest';
import type { SourceContext, SourceModule } from '../types';
import { FlowPipelines, isFlow } from './flow-pipelines';

const FLOW_FORMATS = ['hubble', 'envoy-access-log', 'ztunnel-log'] as const satisfies readonly FormatId[];
type FlowFormat = (typeof FLOW_FORMATS)[number];
const SOURCE: Record<FlowFormat, string> = { hubble: 'hubble-ndjson', 'envoy-access-log': 'envoy-ndjson', 'ztunnel-log': 'ztunnel-ndjson' };

/** JSON too: a shipper may label JSON lines application/json; the body is read as lines either way. */
const acceptTextTypes = ['application/json', 'application/x-ndjson', 'application/jsonl', 'application/x-jsonlines', 'text/plain'];

const query = originQuery.extend({ format: z.enum(FLOW_FORMATS).optional() });

/**
 * POST /flows/ndjson: JSON lines of Hubble flows (`hubble observe -o jsonpb`, exporter lines), Envoy / Istio
 * JSON access-log records or ztunnel access lines, as a log shipper forwards them. The format is detected
 * (or `?format=`); `namespace`, `pod`, `podIp` say whose sidecar wrote an access log. Lines that do not parse
 * go to the dead-letter topic; flows go to the aggregation window (200 = taken; 503 while Kafka refuses).
 */
export class NdjsonFlowSource implements SourceModule {
  static readonly path = '/flows/ndjson';
  readonly name = 'flows-ndjson';
  private readonly pipelines: FlowPipelines;

  constructor(private readonly ctx: SourceContext) {
    this.pipelines = new FlowPipelines(ctx);
  }

  async start(): Promise<void> {
    this.ctx.app.register(async (scope: FastifyInstance) => {
      acceptText(scope, acceptTextTypes);
      scope.post(NdjsonFlowSource.path, { preHandler: this.ctx.authenticate }, async (req, reply) => {
        const q = query.safeParse(req.query);
        if (!q.success) return reply.code(400).send({ error: 'bad_request', message: issuesMessage(q.error) });
        const body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body ?? '');
        const format = q.data.format ?? detectFormat('flows.ndjson', body.slice(0, 8192));
        if (!isFlowFormat(format)) {
          this.ctx.counters.count(this.name, 'rejected');
          const read = format ?? 'nothing recognisable';
          return reply.code(400).send({ error: 'bad_request', message: `not Hubble, Envoy access-log or ztunnel JSON lines (read as ${read}); set ?format= if detection is wrong` });
        }
        return reply.send(await this.ingest(body, format, q.data));
      });
    });
  }

  async stop(): Promise<void> {
    await this.pipelines.stop();
  }

  private async ingest(body: string, format: FlowFormat, q: z.infer<typeof query>): Promise<{ format: FlowFormat; accepted: number; deadLettered: number }> {
    const source = SOURCE[format];
    const observedAt = this.ctx.clock().toISOString();
    const r = parseText(body, { cluster: this.ctx.cluster, observedAt, file: 'flows.ndjson', format, source, ...originContext(q) });
    this.ctx.counters.count(source, 'received', r.events.length + r.errors.length);
    const pipeline = this.pipelines.get(source);
    if (!pipeline.healthy) throw new BackpressureError('flows are waiting for Kafka; retry later', this.ctx.env.COLLECTOR_RETRY_AFTER_SECONDS);
    const deadLetters = deadLettersFor(source, r.errors, body);
    if (deadLetters.length) await this.ctx.sink.publish([], deadLetters);
    const flows = r.events.filter(isFlow);
    pipeline.accept(flows);
    return { format, accepted: flows.length, deadLettered: deadLetters.length };
  }
}

function isFlowFormat(f: FormatId | undefined): f is FlowFormat {
  return f !== undefined && (FLOW_FORMATS as readonly string[]).includes(f);
}

