import { randomBytes } from 'node:crypto';
import { createKafkaEventLog, type EventLog } from '@ztv/bus';
import { loadEnv, type Env } from '@ztv/config';
import { topicNames, type TopicNames } from '@ztv/events';
import { defaultRulesConfig, type RulesConfig } from '@ztv/rules';
import { applySignals, openStore, type PostgresStore } from '@ztv/store';
import { createLogger, type Logger } from '@ztv/telemetry';
import { Alerter } from '../../services/alerter/src/alerter';
import { Collector } from '../../services/collector/src/collector';
import { RuleWorker } from '../../services/rule-worker/src/rule-worker';

export interface Slice {
  env: Env;
  token: string;
  topics: TopicNames;
  collectorUrl: string;
  eventLog: EventLog;
  store: PostgresStore;
  logger: Logger;
  collector: Collector;
  alerter: Alerter<unknown>;
  ruleWorker: RuleWorker;
  rulesConfig: RulesConfig;
  newRuleWorker(eventLog?: EventLog): RuleWorker;
  stop(): Promise<void>;
}

/**
 * The first vertical slice, all real and in this process: collector (audit webhook) → Kafka → rule-worker →
 * Kafka → alerter → Postgres. Topic names and consumer groups are unique to the call.
 */
export async function startSlice(opts: { brokers: string[]; databaseUrl: string; env?: Record<string, string> }): Promise<Slice> {
  const run = randomBytes(4).toString('hex');
  const token = `ztv-test-${randomBytes(16).toString('hex')}`;
  const env = loadEnv({
    ZTV_CLUSTER: 'e2e',
    ZTV_TOPIC_PREFIX: `t${run}.`,
    ZTV_PARTITIONS: '3',
    KAFKA_BROKERS: opts.brokers.join(','),
    COLLECTOR_HOST: '127.0.0.1',
    COLLECTOR_PORT: '0',
    COLLECTOR_TOKENS: token,
    RULE_WORKER_GROUP: `rw-${run}`,
    ALERTER_GROUP: `al-${run}`,
    LOG_LEVEL: process.env.ZTV_TEST_LOG_LEVEL ?? 'silent',
    ...opts.env,
  });
  const logger = createLogger({ name: 'e2e', level: env.LOG_LEVEL });
  const eventLog = createKafkaEventLog({ brokers: env.KAFKA_BROKERS, clientId: `e2e-${run}`, logger });
  const store = openStore({ url: opts.databaseUrl });
  const rulesConfig = defaultRulesConfig({ policyAdmins: ['system:serviceaccount:argocd:*'] });
  const collector = new Collector({ env, eventLog, logger });
  const collectorUrl = await collector.start();
  const newRuleWorker = (log: EventLog = eventLog) =>
    new RuleWorker({ eventLog: log, logger, cluster: env.ZTV_CLUSTER, rulesConfig, groupId: env.RULE_WORKER_GROUP, topicPrefix: env.ZTV_TOPIC_PREFIX });
  const ruleWorker = newRuleWorker();
  await ruleWorker.start();
  const alerter = new Alerter<unknown>({
    eventLog,
    logger,
    groupId: env.ALERTER_GROUP,
    topicPrefix: env.ZTV_TOPIC_PREFIX,
    applySignals: (signals) => applySignals(store.db, signals, { now: new Date(), flapWindowSeconds: env.ALERTER_FLAP_WINDOW_SECONDS }),
  });
  await alerter.start();
  const slice: Slice = {
    env, token, topics: topicNames(env.ZTV_TOPIC_PREFIX), collectorUrl, eventLog, store, logger, collector, alerter, ruleWorker, rulesConfig, newRuleWorker,
    async stop() {
      await Promise.allSettled([collector.stop(), slice.ruleWorker.stop(), alerter.stop()]);
      await eventLog.close();
      await store.close();
    },
  };
  return slice;
}

/** POSTs a body to the collector's audit webhook. */
export async function postAudit(slice: Pick<Slice, 'collectorUrl' | 'token'>, body: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${slice.collectorUrl}/audit/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${slice.token}`, ...headers },
    body,
  });
  return { status: res.status, body: (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined, headers: res.headers };
}
