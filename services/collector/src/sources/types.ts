import type { FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import type { Env } from '@ztv/config';
import type { Logger, Metrics } from '@ztv/telemetry';
import type { SourceCounters } from '../pipeline/source-metrics';
import type { EventSink } from '../sink';

/** What every source module gets from the collector. */
export interface SourceContext {
  env: Env;
  cluster: string;
  sink: EventSink;
  logger: Logger;
  metrics: Metrics;
  counters: SourceCounters;
  clock: () => Date;
  /** The collector's HTTP server, before it listens: HTTP sources register their routes on it. */
  app: FastifyInstance;
  authenticate: preHandlerAsyncHookHandler;
  /** Where sources keep state across restarts (file offsets). */
  stateDir: string;
}

/**
 * One source of events. HTTP sources register their routes in `start` (before the server listens); pulling
 * sources (watchers, tails, streams, pollers) start their loops there. `stop` ends loops and flushes buffers.
 */
export interface SourceModule {
  readonly name: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}
