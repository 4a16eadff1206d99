import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createKafkaEventLog, topicSpecs, type EventLog, type Producer } from '@ztv/bus';
import type { Env } from '@ztv/config';
import { topicNames } from '@ztv/events';
import { createLogger, createMetrics, type Logger, type Metrics } from '@ztv/telemetry';
import { makeAuthenticator } from './http/auth';
import { createHttpServer } from './http/server';
import { CountingEventSink } from './pipeline/counting-sink';
import { GuardedProducer } from './pipeline/guarded-producer';
import { sourceCounters } from './pipeline/source-metrics';
import { createSources } from './sources/registry';
import type { SourceModule } from './sources/types';

export interface CollectorOptions {
  env: Env;
  eventLog?: EventLog;
  logger?: Logger;
  metrics?: Metrics;
  clock?: () => Date;
}

/**
 * The collector: source modules (audit webhook and file, Kubernetes watchers, flows, certificates, clocks; each
 * turned on or off in config) → normalize → validate → key → produce.
 */
export class Collector {
  readonly app: FastifyInstance;
  private readonly eventLog: EventLog;
  private readonly log: Logger;
  private readonly metrics: Metrics;
  private producer: Producer | undefined;
  private ownsLog: boolean;
  private modules: SourceModule[] = [];

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
    const retryAfterSeconds = env.COLLECTOR_RETRY_AFTER_SECONDS;
    this.producer = new GuardedProducer(await this.eventLog.producer(), {
      sendTimeoutMs: env.COLLECTOR_SEND_TIMEOUT_MS,
      retryAfterSeconds,
      maxInDoubt: env.COLLECTOR_MAX_IN_DOUBT_RECORDS,
      logger: this.log,
    });
    const counters = sourceCounters(this.metrics.registry);
    const sinkOpts = { topicPrefix: env.ZTV_TOPIC_PREFIX, meshRootNamespace: env.MESH_ROOT_NAMESPACE, metrics: this.metrics, clock: this.opts.clock, retryAfterSeconds };
    const sink = new CountingEventSink(this.producer, sinkOpts, counters);
    const authenticate = makeAuthenticator(env.COLLECTOR_TOKENS);
    this.modules = createSources({
      env,
      cluster: env.ZTV_CLUSTER,
      sink,
      logger: this.log,
      metrics: this.metrics,
      counters,
      clock: this.opts.clock ?? (() => new Date()),
      app: this.app,
      authenticate,
      stateDir: env.COLLECTOR_STATE_DIR ?? join(env.ZTV_DATA_DIR, 'collector'),
    });
    for (const m of this.modules) await m.start();
    this.app.get('/metrics', { preHandler: authenticate }, async (_req, reply) => {
      return reply.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
    });
    const address = await this.app.listen({ host: env.COLLECTOR_HOST, port: env.COLLECTOR_PORT });
    this.log.info({ address, sources: this.modules.map((m) => m.name) }, 'collector listening');
    return address;
  }

  /** A started source module by name ('kube-watch', 'hubble-relay', ...), for status and tests. */
  source<T extends SourceModule = SourceModule>(name: string): T | undefined {
    return this.modules.find((m) => m.name === name) as T | undefined;
  }

  /** Stops taking requests, stops the sources (which flush what they hold), then closes the producer. */
  async stop(): Promise<void> {
    await this.app.close();
    await Promise.allSettled(this.modules.map((m) => m.stop()));
    await this.producer?.close();
    if (this.ownsLog) await this.eventLog.close();
  }
}
