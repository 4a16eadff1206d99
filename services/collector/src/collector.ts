import type { FastifyInstance } from 'fastify';
import { createKafkaEventLog, topicSpecs, type EventLog, type Producer } from '@ztv/bus';
import type { Env } from '@ztv/config';
import { topicNames } from '@ztv/events';
import { createLogger, createMetrics, type Logger, type Metrics } from '@ztv/telemetry';
import { makeAuthenticator } from './http/auth';
import { createHttpServer } from './http/server';
import { EventSink } from './sink';
import { AuditWebhookSource } from './sources/audit-webhook';

export interface CollectorOptions {
  env: Env;
  eventLog?: EventLog;
  logger?: Logger;
  metrics?: Metrics;
  clock?: () => Date;
}

/** The collector: HTTP sources (audit webhook, ...) → normalize → validate → key → produce. */
export class Collector {
  readonly app: FastifyInstance;
  private readonly eventLog: EventLog;
  private readonly log: Logger;
  private readonly metrics: Metrics;
  private producer: Producer | undefined;
  private ownsLog: boolean;

  constructor(private readonly opts: CollectorOptions) {
    const { env } = opts;
    this.log = opts.logger ?? createLogger({ name: 'collector', level: env.LOG_LEVEL });
    this.metrics = opts.metrics ?? createMetrics('collector');
    this.ownsLog = !opts.eventLog;
    this.eventLog = opts.eventLog ?? createKafkaEventLog({ brokers: env.KAFKA_BROKERS, clientId: `${env.KAFKA_CLIENT_ID}-collector`, logger: this.log });
    this.app = createHttpServer(env, this.log);
    if (env.COLLECTOR_TOKENS.length === 0 && !env.COLLECTOR_CLIENT_CA_FILE) {
      this.log.warn('no COLLECTOR_TOKENS and no COLLECTOR_CLIENT_CA_FILE: every ingest request will be refused');
    }
  }

  /** Creates the topics, connects the producer, registers the sources and listens. Returns the bound address. */
  async start(): Promise<string> {
    const { env } = this.opts;
    await this.eventLog.ensureTopics(topicSpecs(topicNames(env.ZTV_TOPIC_PREFIX), env.ZTV_PARTITIONS, env.KAFKA_REPLICATION_FACTOR));
    this.producer = await this.eventLog.producer();
    const sink = new EventSink(this.producer, { topicPrefix: env.ZTV_TOPIC_PREFIX, meshRootNamespace: env.MESH_ROOT_NAMESPACE, metrics: this.metrics, clock: this.opts.clock });
    const authenticate = makeAuthenticator(env.COLLECTOR_TOKENS);
    new AuditWebhookSource({ cluster: env.ZTV_CLUSTER, sink, logger: this.log, metrics: this.metrics, clock: this.opts.clock }).register(this.app, authenticate);
    this.app.get('/metrics', { preHandler: authenticate }, async (_req, reply) => {
      return reply.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
    });
    const address = await this.app.listen({ host: env.COLLECTOR_HOST, port: env.COLLECTOR_PORT });
    this.log.info({ address }, 'collector listening');
    return address;
  }

  async stop(): Promise<void> {
    await this.app.close();
    await this.producer?.close();
    if (this.ownsLog) await this.eventLog.close();
  }
}
