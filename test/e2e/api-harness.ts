import { inject } from 'vitest';
import { ApiServer } from '@ztv/api';
import { envSchema, type Env } from '@ztv/config';
import { findingFingerprint, signalIdOf, type Severity, type Signal, type Subject } from '@ztv/events';
import { createBullMqJobQueue, type JobQueue, type RemediationRunPayload } from '@ztv/jobs';
import { applySignals, createApiToken, openStore, type ApiTokenRole, type PostgresStore } from '@ztv/store';
import { createLogger } from '@ztv/telemetry';
import { createTestDatabase, type TestDatabase } from '../support/postgres';
import { uniqueQueuePrefix } from '../support/redis';

/** A real API over its own Postgres database and its own BullMQ queues, with one token per role. */
export interface ApiHarness {
  url: string;
  env: Env;
  store: PostgresStore;
  jobs: JobQueue;
  /** remediation.run jobs the queue delivered, by job id. */
  ranJobs: Map<string, RemediationRunPayload>;
  tokens: Record<ApiTokenRole, string>;
  call(method: string, path: string, opts?: { token?: string | null; body?: unknown }): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  stop(): Promise<void>;
}

export async function startApiHarness(overrides: Partial<Record<keyof Env, string>> = {}): Promise<ApiHarness> {
  const database: TestDatabase = await createTestDatabase(inject('databaseTemplateUrl'));
  const store = openStore({ url: database.url, poolSize: 6 });
  const env = envSchema.parse({ API_HOST: '127.0.0.1', API_PORT: '0', LOG_LEVEL: 'silent', API_SQL_TIMEOUT_MS: '1500', API_SQL_ROW_LIMIT: '100', ...overrides });
  const jobs = createBullMqJobQueue({ redisUrl: inject('redisUrl'), prefix: uniqueQueuePrefix() });
  const ranJobs = new Map<string, RemediationRunPayload>();
  jobs.process('remediation.run', async (payload, ctx) => void ranJobs.set(ctx.jobId, payload), { concurrency: 1 });
  const tokens = {} as Record<ApiTokenRole, string>;
  for (const role of ['viewer', 'operator', 'admin'] as const) tokens[role] = (await createApiToken(store.db, { name: `${role}-bot`, role })).token;
  const server = new ApiServer({ env, store, jobs, logger: createLogger({ name: 'api-test', level: 'silent' }) });
  const url = await server.start();
  return {
    url,
    env,
    store,
    jobs,
    ranJobs,
    tokens,
    async call(method, path, opts = {}) {
      const token = opts.token === undefined ? tokens.admin : opts.token;
      const res = await fetch(`${url}${path}`, {
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON (metrics, HTML): the text itself.
      }
      return { status: res.status, body };
    },
    async stop() {
      await server.stop();
      await jobs.close();
      await store.close();
      await database.drop();
    },
  };
}

export interface SeedSpec {
  rule: string;
  namespace: string;
  severity: Severity;
  area: string;
  event?: string;
  transition?: Signal['transition'];
}

/** A signal shaped like the rule-worker's (fingerprint and signal id as @ztv/events defines them). */
export function seedSignal(spec: SeedSpec): Signal {
  const subject: Subject = { namespace: spec.namespace, kind: 'Namespace', name: spec.namespace };
  const fingerprint = findingFingerprint(spec.rule, 'prod', subject);
  const event = spec.event ?? `${spec.rule}-${spec.namespace}-1`;
  const transition = spec.transition ?? 'firing';
  return {
    signalId: signalIdOf(spec.rule, fingerprint, event, transition),
    ruleId: spec.rule,
    transition,
    severity: spec.severity,
    area: spec.area,
    title: `${spec.rule} in ${spec.namespace}`,
    message: `namespace ${spec.namespace} breaks ${spec.rule}`,
    cluster: 'prod',
    subject,
    fingerprint,
    evidence: { namespace: spec.namespace, policies: [], observed: event },
    eventId: event,
    eventType: 'k8s.resource',
    time: new Date().toISOString(),
  };
}

/** A small, varied set of findings: four rules, three areas, every severity but info. */
export const seedSpecs: SeedSpec[] = [
  { rule: 'netpol-default-deny-missing', namespace: 'payments', severity: 'high', area: 'network-policy' },
  { rule: 'netpol-default-deny-missing', namespace: 'checkout', severity: 'high', area: 'network-policy' },
  { rule: 'mtls-not-strict', namespace: 'payments', severity: 'critical', area: 'mtls' },
  { rule: 'pod-default-serviceaccount', namespace: 'checkout', severity: 'medium', area: 'workload' },
  { rule: 'pod-default-serviceaccount', namespace: 'search', severity: 'low', area: 'workload' },
];

export async function seedFindings(h: Pick<ApiHarness, 'store'>, specs: SeedSpec[] = seedSpecs, now = new Date()): Promise<void> {
  await applySignals(h.store.db, specs.map(seedSignal), { now, flapWindowSeconds: 300 });
}
