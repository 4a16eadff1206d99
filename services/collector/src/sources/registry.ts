import type { preHandlerAsyncHookHandler } from 'fastify';
import { ConfigError, type Env } from '@ztv/config';
import { AuditWebhookSource } from './audit-webhook';
import { CertEndpointsSource } from './certs/cert-endpoints';
import { ChronyEndpointSource } from './clock/chrony-endpoint';
import { PrometheusTimexSource } from './clock/prometheus-timex';
import { LineFileSource } from './files/line-file-source';
import { NdjsonFlowSource } from './flows/ndjson-endpoint';
import { OtlpLogsSource } from './flows/otlp-logs-endpoint';
import { HubbleRelaySource, relayCredentials } from './hubble-relay/relay-source';
import { KubeWatchSource } from './kube/kube-watch-source';
import type { SourceContext, SourceModule } from './types';

/** The foundation's audit webhook as a module (its own code is unchanged); it counts the items it receives. */
class AuditWebhookModule implements SourceModule {
  readonly name = 'audit-webhook';
  constructor(private readonly ctx: SourceContext) {}
  async start(): Promise<void> {
    const { cluster, sink, logger, metrics, clock, authenticate, counters } = this.ctx;
    // Runs after the body is parsed: an authenticated EventList's items are what the webhook received.
    const authenticateAndCount: preHandlerAsyncHookHandler = async function (req, reply) {
      await authenticate.call(this, req, reply);
      const items = (req.body as { items?: unknown } | undefined)?.items;
      if (!reply.sent && Array.isArray(items)) counters.count('audit-webhook', 'received', items.length);
    };
    new AuditWebhookSource({ cluster, sink, logger, metrics, clock }).register(this.ctx.app, authenticateAndCount);
  }
  async stop(): Promise<void> {}
}

/** A required companion variable of an enabled module. */
function required(env: Env, flag: keyof Env, name: keyof Env): string {
  const v = env[name];
  if (typeof v !== 'string' || v === '') throw new ConfigError([`${String(name)}: required when ${String(flag)}=true`]);
  return v;
}

/** Every source module the configuration turns on, in start order (HTTP routes first, then pulling loops). */
export function createSources(ctx: SourceContext): SourceModule[] {
  const { env } = ctx;
  const out: SourceModule[] = [];
  if (env.COLLECTOR_AUDIT_WEBHOOK_ENABLED) out.push(new AuditWebhookModule(ctx));
  if (env.COLLECTOR_FLOW_NDJSON_ENABLED) out.push(new NdjsonFlowSource(ctx));
  if (env.COLLECTOR_OTLP_LOGS_ENABLED) out.push(new OtlpLogsSource(ctx));
  if (env.COLLECTOR_CERT_ENDPOINTS_ENABLED) out.push(new CertEndpointsSource(ctx));
  if (env.COLLECTOR_CHRONY_ENDPOINT_ENABLED) out.push(new ChronyEndpointSource(ctx));
  if (env.COLLECTOR_AUDIT_FILE_ENABLED) {
    out.push(new LineFileSource(ctx, { name: 'audit-file', format: 'k8s-audit', path: required(env, 'COLLECTOR_AUDIT_FILE_ENABLED', 'COLLECTOR_AUDIT_FILE_PATH') }));
  }
  if (env.COLLECTOR_HUBBLE_FILE_ENABLED) {
    out.push(new LineFileSource(ctx, { name: 'hubble-file', format: 'hubble', flows: true, path: required(env, 'COLLECTOR_HUBBLE_FILE_ENABLED', 'COLLECTOR_HUBBLE_FILE_PATH') }));
  }
  if (env.COLLECTOR_SPIRE_LOG_FILE_ENABLED) {
    out.push(new LineFileSource(ctx, { name: 'spire-file', format: 'spire-log', path: required(env, 'COLLECTOR_SPIRE_LOG_FILE_ENABLED', 'COLLECTOR_SPIRE_LOG_FILE_PATH') }));
  }
  if (env.COLLECTOR_HUBBLE_RELAY_ENABLED) {
    const address = required(env, 'COLLECTOR_HUBBLE_RELAY_ENABLED', 'COLLECTOR_HUBBLE_RELAY_ADDRESS');
    out.push(new HubbleRelaySource(ctx, { address, ...relayCredentials(ctx) }));
  }
  if (env.COLLECTOR_PROMETHEUS_TIMEX_ENABLED) {
    const url = required(env, 'COLLECTOR_PROMETHEUS_TIMEX_ENABLED', 'COLLECTOR_PROMETHEUS_URL');
    out.push(new PrometheusTimexSource(ctx, { url, intervalMs: env.COLLECTOR_PROMETHEUS_INTERVAL_SECONDS * 1000, tokenFile: env.COLLECTOR_PROMETHEUS_TOKEN_FILE }));
  }
  if (env.COLLECTOR_KUBE_WATCH_ENABLED) out.push(new KubeWatchSource(ctx));
  return out;
}
