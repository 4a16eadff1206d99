import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createKafkaEventLog, createMemoryEventLog, type ConsumedRecord, type EventLog } from '@ztv/bus';
import { loadEnv } from '@ztv/config';
import { topicNames, type TopicNames } from '@ztv/events';
import { createLogger, type Logger } from '@ztv/telemetry';
import { Collector } from './collector';

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');

/** A file of the shared sample corpus (../shared/fixtures next to the repository); missing is an error, not a skip. */
export function sharedFixturePath(rel: string): string {
  const path = resolve(repoRoot, '../shared/fixtures', rel);
  if (!existsSync(path)) throw new Error(`shared fixture ${rel} is missing (expected at ${path}): check out ../shared next to the repository`);
  return path;
}

export function sharedFixture(rel: string): string {
  return readFileSync(sharedFixturePath(rel), 'utf8');
}

export interface TestCollector {
  collector: Collector;
  url: string;
  token: string;
  eventLog: EventLog;
  topics: TopicNames;
  stateDir: string;
  /** Every record produced so far, per topic name (live). */
  records(topic: string): ConsumedRecord[];
  /** Parsed JSON values of a topic's records. */
  values<T = Record<string, unknown>>(topic: string): T[];
  post(path: string, body: string | Buffer, contentType?: string, headers?: Record<string, string>): Promise<{ status: number; body: string; headers: Headers }>;
  stop(): Promise<void>;
}

export interface TestCollectorOptions {
  /** Share an event log across collectors (restarts); default: a new in-memory one. */
  eventLog?: EventLog;
  /** Real Kafka: a Kafka event log on these brokers, with topic names unique to the call. */
  kafkaBrokers?: string[];
  stateDir?: string;
  logger?: Logger;
  /** Collect produced records through a consumer group (default true; `records()` is empty without it). */
  collect?: boolean;
}

/**
 * A collector on 127.0.0.1 over the in-memory event log (the embedded adapter) or real Kafka, with every record
 * it produces collected per topic. Every source module is off unless `env` turns it on.
 */
export async function startTestCollector(env: Record<string, string> = {}, opts: TestCollectorOptions = {}): Promise<TestCollector> {
  const token = `test-${randomBytes(8).toString('hex')}`;
  const stateDir = opts.stateDir ?? (await mkdtemp(join(tmpdir(), 'ztv-collector-')));
  const ownsState = !opts.stateDir;
  const config = loadEnv({
    ZTV_CLUSTER: 'unit',
    COLLECTOR_HOST: '127.0.0.1',
    COLLECTOR_PORT: '0',
    COLLECTOR_TOKENS: token,
    COLLECTOR_STATE_DIR: stateDir,
    COLLECTOR_AUDIT_WEBHOOK_ENABLED: 'false',
    COLLECTOR_FLOW_NDJSON_ENABLED: 'false',
    COLLECTOR_OTLP_LOGS_ENABLED: 'false',
    COLLECTOR_CERT_ENDPOINTS_ENABLED: 'false',
    COLLECTOR_CHRONY_ENDPOINT_ENABLED: 'false',
    COLLECTOR_KUBE_WATCH_ENABLED: 'false',
    LOG_LEVEL: 'silent',
    ...(opts.kafkaBrokers ? { KAFKA_BROKERS: opts.kafkaBrokers.join(','), ZTV_TOPIC_PREFIX: `t${randomBytes(4).toString('hex')}.`, ZTV_PARTITIONS: '3' } : {}),
    ...env,
  });
  const logger = opts.logger ?? createLogger({ name: 'collector-test', level: config.LOG_LEVEL });
  const eventLog = opts.eventLog ?? (opts.kafkaBrokers ? createKafkaEventLog({ brokers: config.KAFKA_BROKERS, clientId: `collector-test-${randomBytes(4).toString('hex')}`, logger }) : createMemoryEventLog());
  const collector = new Collector({ env: config, eventLog, logger });
  let url: string;
  try {
    url = await collector.start();
  } catch (err) {
    await collector.stop().catch(() => undefined);
    if (!opts.eventLog) await eventLog.close();
    if (ownsState) await rm(stateDir, { recursive: true, force: true });
    throw err;
  }
  const topics = topicNames(config.ZTV_TOPIC_PREFIX);
  const seen = new Map<string, ConsumedRecord[]>();
  const consumer = opts.collect === false ? undefined : await eventLog.consume({
    groupId: `collect-${randomBytes(4).toString('hex')}`,
    topics: Object.values(topics),
    fromBeginning: true,
    async handleBatch(batch) {
      const list = seen.get(batch.topic) ?? [];
      list.push(...batch.records);
      seen.set(batch.topic, list);
    },
  });
  const records = (topic: string) => seen.get(topic) ?? [];
  return {
    collector,
    url,
    token,
    eventLog,
    topics,
    stateDir,
    records,
    values: <T>(topic: string) => records(topic).map((r) => JSON.parse(r.value?.toString() ?? 'null') as T),
    async post(path, body, contentType = 'application/json', headers = {}) {
      const res = await fetch(`${url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': contentType, ...headers }, body });
      return { status: res.status, body: await res.text(), headers: res.headers };
    },
    async stop() {
      await consumer?.stop();
      await collector.stop();
      if (!opts.eventLog) await eventLog.close();
      if (ownsState) await rm(stateDir, { recursive: true, force: true });
    },
  };
}
