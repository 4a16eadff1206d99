import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import type { Env } from '@ztv/config';
import type { JobQueue } from '@ztv/jobs';
import type { Store } from '@ztv/store';
import { createLogger, type Logger } from '@ztv/telemetry';
import { buildApp } from './app';
import { createHttpMetrics } from './http/metrics';
import { Semaphore } from './http/semaphore';

export interface ApiServerOptions {
  env: Env;
  /** Postgres in production, PGlite in embedded mode; the caller owns it (opens, migrates and closes it). */
  store: Store;
  logger?: Logger;
  /** Where remediation requests and approvals enqueue `remediation.run`; without one those endpoints answer 503. */
  jobs?: JobQueue;
  /** Registry /metrics serves (the process's, when the caller has one); a new one otherwise. */
  registry?: Registry;
  clock?: () => Date;
}

/** The HTTP API and the dashboard (DESIGN §1: api). */
export class ApiServer {
  readonly app: FastifyInstance;
  private readonly log: Logger;

  constructor(private readonly opts: ApiServerOptions) {
    const { env } = opts;
    this.log = opts.logger ?? createLogger({ name: 'api', level: env.LOG_LEVEL });
    this.app = buildApp({
      env,
      store: opts.store,
      logger: this.log,
      jobs: opts.jobs,
      clock: opts.clock ?? (() => new Date()),
      metrics: createHttpMetrics(opts.registry ?? new Registry()),
      sqlSlots: new Semaphore(env.API_SQL_CONCURRENCY),
    });
  }

  /** Listens on API_HOST:API_PORT (port 0: any free port); returns the base URL. */
  async start(): Promise<string> {
    const address = await this.app.listen({ host: this.opts.env.API_HOST, port: this.opts.env.API_PORT });
    this.log.info({ address }, 'api listening');
    return address;
  }

  /** Stops accepting requests and waits for the running ones. The store and job queue are the caller's to close. */
  async stop(): Promise<void> {
    await this.app.close();
  }
}
