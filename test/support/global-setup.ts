import type { TestProject } from 'vitest/node';
import { startKafka, type KafkaHandle } from './kafka';
import { preparePostgres, type PostgresHandle } from './postgres';
import { ensureRedis } from './redis';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[];
    /** URL of a template database with migrations applied; tests clone it (see test/support/postgres.ts). */
    databaseTemplateUrl: string;
    redisUrl: string;
  }
}

let kafka: KafkaHandle | undefined;
let pg: PostgresHandle | undefined;

/**
 * Starts or finds the real infrastructure once per run. A service that cannot be reached or started fails the
 * run with a message that says how to start it; nothing is skipped.
 */
export async function setup(project: TestProject): Promise<void> {
  const [k, p, redisUrl] = await Promise.all([startKafka(), preparePostgres(), ensureRedis()]);
  kafka = k;
  pg = p;
  project.provide('kafkaBrokers', k.brokers);
  project.provide('databaseTemplateUrl', p.templateUrl);
  project.provide('redisUrl', redisUrl);
}

export async function teardown(): Promise<void> {
  await Promise.allSettled([kafka?.stop(), pg?.drop()]);
}
