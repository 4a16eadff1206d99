import type { IncomingMessage } from 'node:http';
import type { Instrumentation } from '@opentelemetry/instrumentation';

/** Paths of the ops endpoint (kubelet probes, Prometheus scrapes): never traced, they would drown the real traces. */
const untraced = new Set(['/healthz', '/readyz', '/metrics']);

/**
 * The instrumentations every ztv service runs, loaded lazily so a process without tracing pays nothing for them:
 * - http: incoming requests (the audit webhook, the API) and @kubernetes/client-node's calls to the API server;
 * - undici: fetch(), i.e. Slack, PagerDuty, webhook and Alertmanager deliveries;
 * - kafkajs: produce and consume (it also writes `traceparent` into the record headers it sends);
 * - pg and ioredis (BullMQ's client): only inside a trace, so pool keep-alives and queue polling stay silent;
 * - fastify: route and hook spans, through fastify's own diagnostics channel (works for ESM and CJS alike).
 */
export async function loadInstrumentations(): Promise<Instrumentation[]> {
  const [http, undici, kafkajs, pg, ioredis, fastify] = await Promise.all([
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-undici'),
    import('@opentelemetry/instrumentation-kafkajs'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/instrumentation-ioredis'),
    import('@fastify/otel'),
  ]);
  return [
    new http.HttpInstrumentation({ ignoreIncomingRequestHook: (req: IncomingMessage) => untraced.has((req.url ?? '').split('?')[0] ?? '') }),
    new undici.UndiciInstrumentation(),
    new kafkajs.KafkaJsInstrumentation(),
    new pg.PgInstrumentation({ requireParentSpan: true }),
    new ioredis.IORedisInstrumentation({ requireParentSpan: true }),
    new fastify.FastifyOtelInstrumentation({ registerOnInitialization: true }),
  ];
}
