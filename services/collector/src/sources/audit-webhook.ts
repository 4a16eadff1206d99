import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';
import { parseAuditEvent } from '@ztv/formats';
import type { DeadLetterInput } from '@ztv/bus';
import type { ZtvEvent } from '@ztv/events';
import { inRequestSpan, type Logger, type Metrics } from '@ztv/telemetry';
import type { EventSink } from '../sink';

/** What the kube-apiserver webhook backend POSTs: an `audit.k8s.io/v1` EventList. */
const eventList = z.object({
  apiVersion: z.literal('audit.k8s.io/v1', { error: 'apiVersion must be "audit.k8s.io/v1"' }),
  kind: z.literal('EventList', { error: 'kind must be "EventList"' }),
  items: z.array(z.unknown(), { error: 'items must be an array of audit events' }),
});

export interface AuditWebhookOptions {
  cluster: string;
  sink: EventSink;
  logger: Logger;
  metrics?: Metrics;
  clock?: () => Date;
}

/**
 * The kube-apiserver audit webhook backend. A malformed batch is refused with a 4xx and nothing is produced; a
 * well-formed batch is produced whole, with any item that does not normalize sent to the dead-letter topic.
 */
export class AuditWebhookSource {
  static readonly path = '/audit/webhook';

  constructor(private readonly opts: AuditWebhookOptions) {}

  register(app: FastifyInstance, authenticate: preHandlerAsyncHookHandler): void {
    app.post(AuditWebhookSource.path, { preHandler: authenticate }, (req, reply) =>
      // The span every trace of an audit batch starts from (or continues, when the caller sent a traceparent).
      inRequestSpan('audit-webhook receive', req.headers.traceparent, { 'ztv.source': 'audit-webhook' }, async (span) => {
        const list = eventList.safeParse(req.body);
        if (!list.success) {
          this.opts.metrics?.rejected.inc({ source: 'audit-webhook', reason: 'invalid' });
          const msg = list.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
          return reply.code(400).send({ error: 'bad_request', message: `not an audit.k8s.io/v1 EventList: ${msg.join('; ')}` });
        }
        const { events, deadLetters } = this.normalize(list.data.items);
        this.opts.metrics?.received.inc({ source: 'audit-webhook' }, list.data.items.length);
        span.setAttributes({ 'ztv.events': events.length, 'ztv.deadletters': deadLetters.length });
        await this.opts.sink.publish(events, deadLetters);
        return reply.code(200).send({ accepted: events.length, deadLettered: deadLetters.length });
      }),
    );
  }

  private normalize(items: unknown[]): { events: ZtvEvent[]; deadLetters: Omit<DeadLetterInput, 'time'>[] } {
    const observedAt = (this.opts.clock?.() ?? new Date()).toISOString();
    const ctx = { cluster: this.opts.cluster, source: 'audit-webhook', observedAt };
    const events: ZtvEvent[] = [];
    const deadLetters: Omit<DeadLetterInput, 'time'>[] = [];
    items.forEach((item, i) => {
      const parsed = parseAuditEvent(item, { ...ctx, file: `audit-webhook items[${i}]` });
      const failure = parsed.find((r) => !r.ok);
      if (failure && !failure.ok) {
        deadLetters.push({ source: 'audit-webhook', stage: 'parse', reason: failure.error.message, raw: JSON.stringify(withoutBodies(item)) });
        return;
      }
      // An audit event, plus a clock reading when it is a kubelet's node-lease renewal.
      for (const r of parsed) if (r.ok) events.push(r.event);
    });
    return { events, deadLetters };
  }
}

/**
 * What a dead letter may keep of an audit item that did not parse: everything but the request and response
 * bodies, which for a Secret hold its data (the parser strips them from good events; a bad one never reaches it).
 */
function withoutBodies(item: unknown): unknown {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return item;
  const { requestObject: _req, responseObject: _res, ...rest } = item as Record<string, unknown>;
  return rest;
}
