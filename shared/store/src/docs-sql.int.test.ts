import { readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { findingFingerprint, signalIdOf, type Severity, type Signal, type Subject } from '@ztv/events';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres';
import { openStore, type PostgresStore } from './client';
import { applySignals } from './findings/apply-signals';
import { acknowledgeFinding, resolveFindingManually, suppressFinding } from './findings/person-actions';
import { findingHistory, getFindingByFingerprint } from './findings/queries';
import { resolveQuiet } from './findings/resolve-quiet';
import { claimDelivery, recordDeliveryAttempt } from './notifications/attempts';
import { dropNotifications, insertNotifications } from './notifications/outbox';
import { remediations, type FindingEventKind } from './schema/index';
import { createSilence } from './silences/repository';

/*
 * Runs every query of docs/sql.md, as ztv_reader in a read-only transaction, against a history seeded through the
 * store's own functions (applySignals, resolveQuiet, the people's actions, silences, delivery records), and checks
 * each result. Queries are read from the page itself, so the page cannot drift from the schema.
 */

const doc = readFileSync(new URL('../../../docs/sql.md', import.meta.url), 'utf8');
const queries = new Map(
  [...doc.matchAll(/```sql\n([\s\S]*?)```/g)].map((m) => {
    const name = /^-- name: ([a-z0-9-]+)\n/.exec(m[1]!)?.[1];
    if (!name) throw new Error(`docs/sql.md: a query without a "-- name:" line:\n${m[1]}`);
    return [name, m[1]!] as const;
  }),
);

// Three days of history ending today (UTC): times are relative to now so "older than a day" and "the last 7 days" hold.
const today = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00.000Z');
const day0 = today.getTime() - 3 * 86_400_000;
const T = (hours: number, minutes = 0) => new Date(day0 + hours * 3_600_000 + minutes * 60_000);

interface Spec {
  rule: string;
  severity: Severity;
  cluster?: string;
  subject: Subject;
  quiet?: number;
  suppressedBy?: string;
}
let event = 0;
function sig(spec: Spec, transition: Signal['transition'] = 'firing'): Signal {
  const cluster = spec.cluster ?? 'prod-eu1';
  const fingerprint = findingFingerprint(spec.rule, cluster, spec.subject);
  const eventId = `ev-${++event}`;
  return {
    signalId: signalIdOf(spec.rule, fingerprint, eventId, transition),
    ruleId: spec.rule,
    transition,
    severity: spec.severity,
    area: 'network',
    title: `${spec.rule}: ${spec.subject.name}`,
    message: `${spec.rule} on ${spec.subject.name}`,
    cluster,
    subject: spec.subject,
    fingerprint,
    evidence: { eventId },
    eventId,
    eventType: 'k8s.resource',
    time: T(0).toISOString(),
    ...(spec.quiet ? { quietPeriodSeconds: spec.quiet } : {}),
    ...(spec.suppressedBy ? { suppressedBy: spec.suppressedBy } : {}),
  };
}
const ns = (name: string): Subject => ({ namespace: name, kind: 'Namespace', name });

const A1: Spec = { rule: 'netpol-default-deny-missing', severity: 'high', subject: ns('payments') };
const A2: Spec = { rule: 'netpol-default-deny-missing', severity: 'high', subject: ns('checkout') };
const B1: Spec = { rule: 'mtls-not-strict', severity: 'critical', subject: ns('payments') };
const B2: Spec = { rule: 'mtls-not-strict', severity: 'critical', subject: ns('search') };
const C1: Spec = {
  rule: 'flow-plaintext',
  severity: 'medium',
  subject: { namespace: 'orders', kind: 'Pod', name: 'orders-7d4' },
  quiet: 1800,
};
const D1: Spec = {
  rule: 'pod-privileged',
  severity: 'low',
  cluster: 'staging',
  subject: { namespace: 'sandbox', kind: 'Pod', name: 'debug' },
  suppressedBy: 'exc-sandbox-privileged',
};
const E1: Spec = {
  rule: 'image-unverified',
  severity: 'high',
  subject: { namespace: 'legacy', kind: 'Pod', name: 'cobol-1' },
};
const F1: Spec = {
  rule: 'authz-allow-all',
  severity: 'critical',
  cluster: 'staging',
  subject: { namespace: 'dev', kind: 'AuthorizationPolicy', name: 'allow-all' },
};
const G1: Spec = { rule: 'clock-drift', severity: 'high', subject: { node: 'worker-1', name: 'worker-1' } };

let database: TestDatabase;
let store: PostgresStore;

async function apply(at: Date, ...signals: Signal[]) {
  await applySignals(store.db, signals, { now: at, flapWindowSeconds: 900 });
}
async function findingOf(spec: Spec) {
  return (await getFindingByFingerprint(
    store.db,
    findingFingerprint(spec.rule, spec.cluster ?? 'prod-eu1', spec.subject),
  ))!;
}
/** A notification for the finding's latest `kind` event, delivered with these answers (the last one final). */
async function notify(
  spec: Spec,
  receiver: string,
  kind: 'trigger' | 'resolve',
  eventKind: FindingEventKind,
  answers: number[],
  at: Date,
) {
  const f = await findingOf(spec);
  const e = (await findingHistory(store.db, f.id)).filter((h) => h.kind === eventKind).at(-1)!;
  const integration = receiver === 'pager' ? 'pagerduty' : 'slack';
  const jobId = `notify:${receiver}:${f.fingerprint}:${kind}:${e.id}:${integration}-0`;
  await insertNotifications(store.db, [
    {
      findingId: f.id,
      receiver,
      integration,
      integrationIndex: 0,
      kind,
      transitionSeq: e.id,
      jobId,
      createdAt: at,
    },
  ]);
  for (const [i, code] of answers.entries()) {
    await claimDelivery(store.db, { jobId, attempt: i + 1 });
    const ok = code < 300;
    const status = ok ? 'sent' : code === 429 || code >= 500 ? 'retrying' : 'failed';
    await recordDeliveryAttempt(
      store.db,
      { jobId, attempt: i + 1, status, statusCode: code, ...(ok ? {} : { error: `answered ${code}` }) },
      at,
    );
  }
  return jobId;
}

async function seed() {
  await apply(T(1), sig(A1));
  await acknowledgeFinding(store.db, (await findingOf(A1)).id, 'alice', T(1, 10));
  await apply(T(2), sig(A2));
  await apply(T(2, 10), sig(A2));
  await apply(T(2, 20), sig(A2));
  await apply(T(2, 30), sig(A2, 'resolved'));
  await apply(T(3), sig(A1, 'resolved'));
  // An event-based rule: resolved after each burst (the last time by its quiet period), back more than twice, then a flap.
  await apply(T(4), sig(C1));
  await apply(T(5), sig(C1, 'resolved'));
  await apply(T(6), sig(C1));
  await apply(T(7), sig(C1, 'resolved'));
  await apply(T(8), sig(C1));
  await apply(T(9), sig(C1, 'resolved'));
  await apply(T(10), sig(C1));
  expect(await resolveQuiet(store.db, T(11))).toHaveLength(1);
  await apply(T(11, 5), sig(C1));
  await apply(T(12), sig(D1));
  await apply(T(13), sig(E1));
  await createSilence(
    store.db,
    {
      matchers: [{ name: 'namespace', op: '=', value: 'legacy' }],
      endsAt: new Date(Date.now() + 86_400_000),
      createdBy: 'carol',
      comment: 'legacy app retires Friday',
    },
    T(13, 30),
  );
  await apply(T(14), sig(F1));
  await suppressFinding(store.db, (await findingOf(F1)).id, 'dave', T(14, 15), 'dev sandbox, accepted');
  await apply(T(24), sig(B1));
  await acknowledgeFinding(store.db, (await findingOf(B1)).id, 'bob', T(24, 5));
  await apply(T(30), sig(G1));
  await resolveFindingManually(store.db, (await findingOf(G1)).id, 'erin', T(30, 45), 'NTP server fixed');
  await apply(T(72), sig(B2));

  await notify(A1, 'pager', 'trigger', 'opened', [429, 202], T(1));
  await notify(B1, 'pager', 'trigger', 'opened', [202], T(24));
  await notify(B2, 'pager', 'trigger', 'opened', [400], T(72));
  await notify(F1, 'pager', 'trigger', 'opened', [202], T(14));
  await notify(A1, 'chat', 'trigger', 'opened', [200], T(1));
  await notify(A1, 'chat', 'resolve', 'resolved', [200], T(3));
  await notify(A2, 'chat', 'trigger', 'opened', [200], T(2));
  await notify(A2, 'chat', 'resolve', 'resolved', [200], T(2, 30));
  await notify(C1, 'chat', 'trigger', 'opened', [200], T(4));
  const dropped = await notify(C1, 'chat', 'resolve', 'resolved', [], T(5));
  await dropNotifications(store.db, [dropped], 'the trigger was not delivered');

  const run = (
    spec: Spec,
    playbook: string,
    mode: 'auto' | 'approve',
    status: 'succeeded' | 'failed' | 'rejected',
  ) =>
    findingOf(spec).then((f) =>
      store.db
        .insert(remediations)
        .values({ findingId: f.id, playbook, mode, status, requestedBy: 'alerter' }),
    );
  await run(A1, 'apply-default-deny', 'auto', 'succeeded');
  await run(A2, 'apply-default-deny', 'auto', 'failed');
  await run(A2, 'apply-default-deny', 'auto', 'succeeded');
  await run(B1, 'enforce-strict-mtls', 'approve', 'succeeded');
  await run(B2, 'enforce-strict-mtls', 'approve', 'rejected');
}

const day = (offset: number) => new Date(day0 + offset * 86_400_000).toISOString().slice(0, 10);

/** What each query of docs/sql.md must answer for the seeded history. */
const expected: Record<string, (rows: Record<string, unknown>[]) => void> = {
  'mttr-by-rule': (rows) =>
    expect(rows).toEqual([
      {
        rule_id: 'netpol-default-deny-missing',
        resolved: 2,
        avg_minutes: 75,
        median_minutes: 75,
        p90_minutes: 111,
      },
      { rule_id: 'flow-plaintext', resolved: 4, avg_minutes: 60, median_minutes: 60, p90_minutes: 60 },
      { rule_id: 'clock-drift', resolved: 1, avg_minutes: 45, median_minutes: 45, p90_minutes: 45 },
    ]),
  'worst-namespaces': (rows) =>
    expect(rows).toEqual([
      { cluster: 'prod-eu1', namespace: 'payments', critical: 1, high: 0, open: 1 },
      { cluster: 'prod-eu1', namespace: 'search', critical: 1, high: 0, open: 1 },
      { cluster: 'prod-eu1', namespace: 'orders', critical: 0, high: 0, open: 1 },
    ]),
  'reopened-more-than-twice': (rows) =>
    expect(rows).toMatchObject([
      { rule_id: 'flow-plaintext', namespace: 'orders', reopen_count: 3, flap_count: 1, status: 'open' },
    ]),
  'time-to-first-acknowledgement': (rows) =>
    expect(rows).toEqual([
      { severity: 'high', acknowledged: 1, avg_minutes: 10, max_minutes: 10 },
      { severity: 'critical', acknowledged: 1, avg_minutes: 5, max_minutes: 5 },
    ]),
  'open-criticals-older-than-a-day': (rows) => {
    expect(rows).toMatchObject([
      { rule_id: 'mtls-not-strict', namespace: 'payments', status: 'acknowledged', acknowledged: true },
    ]);
    expect(rows[0]?.age_hours).toBeGreaterThanOrEqual(48);
  },
  'noisiest-rules': (rows) =>
    expect(rows).toEqual([
      { rule_id: 'flow-plaintext', findings: 1, opened: 5, observations: 0, notifications_sent: 1 },
      {
        rule_id: 'netpol-default-deny-missing',
        findings: 2,
        opened: 2,
        observations: 2,
        notifications_sent: 5,
      },
      { rule_id: 'mtls-not-strict', findings: 2, opened: 2, observations: 0, notifications_sent: 1 },
      { rule_id: 'authz-allow-all', findings: 1, opened: 1, observations: 0, notifications_sent: 1 },
      { rule_id: 'clock-drift', findings: 1, opened: 1, observations: 0, notifications_sent: 0 },
      { rule_id: 'image-unverified', findings: 1, opened: 1, observations: 0, notifications_sent: 0 },
      { rule_id: 'pod-privileged', findings: 1, opened: 0, observations: 0, notifications_sent: 0 },
    ]),
  'flapping-findings': (rows) =>
    expect(rows).toMatchObject([
      { rule_id: 'flow-plaintext', namespace: 'orders', flap_count: 1, flaps_last_7_days: 1 },
    ]),
  'notification-failure-rate-by-receiver': (rows) =>
    expect(rows).toEqual([
      { receiver: 'pager', notifications: 4, sent: 3, failed: 1, dropped: 0, failure_pct: 25, attempts: 5 },
      { receiver: 'chat', notifications: 6, sent: 5, failed: 0, dropped: 1, failure_pct: 0, attempts: 5 },
    ]),
  'remediation-success-rate': (rows) =>
    expect(rows).toEqual([
      { playbook: 'apply-default-deny', mode: 'auto', runs: 3, succeeded: 2, failed: 1, success_pct: 66.7 },
      {
        playbook: 'enforce-strict-mtls',
        mode: 'approve',
        runs: 2,
        succeeded: 1,
        failed: 0,
        success_pct: 100,
      },
    ]),
  'posture-trend': (rows) =>
    expect(rows).toEqual([
      { day: day(0), opened: 9, resolved: 6, open_at_end: 1, open_critical_high: 0 },
      { day: day(1), opened: 2, resolved: 1, open_at_end: 2, open_critical_high: 1 },
      { day: day(2), opened: 0, resolved: 0, open_at_end: 2, open_critical_high: 1 },
      { day: day(3), opened: 1, resolved: 0, open_at_end: 3, open_critical_high: 2 },
    ]),
  'findings-per-cluster': (rows) =>
    expect(rows).toEqual([
      { cluster: 'prod-eu1', open: 2, acknowledged: 1, suppressed: 1, resolved: 3, total: 7 },
      { cluster: 'staging', open: 0, acknowledged: 0, suppressed: 2, resolved: 0, total: 2 },
    ]),
  'suppressed-by-kind': (rows) =>
    expect(rows).toEqual([
      { suppressed_by: 'exception', findings: 1, rules: 'pod-privileged' },
      { suppressed_by: 'person', findings: 1, rules: 'authz-allow-all' },
      { suppressed_by: 'silence', findings: 1, rules: 'image-unverified' },
    ]),
  'people-actions': (rows) =>
    expect(rows).toEqual([
      { actor: 'alice', acknowledged: 1, resolved: 0, suppressed: 0, total: 1 },
      { actor: 'bob', acknowledged: 1, resolved: 0, suppressed: 0, total: 1 },
      { actor: 'carol', acknowledged: 0, resolved: 0, suppressed: 1, total: 1 },
      { actor: 'dave', acknowledged: 0, resolved: 0, suppressed: 1, total: 1 },
      { actor: 'erin', acknowledged: 0, resolved: 1, suppressed: 0, total: 1 },
    ]),
};

/** Runs a query the way the SQL endpoint does: as ztv_reader, read-only, rolled back. */
async function asReader(query: string): Promise<Record<string, unknown>[]> {
  const client = await store.pool.connect();
  try {
    await client.query('begin read only');
    await client.query('set local role ztv_reader');
    // Dates as the 'YYYY-MM-DD' strings they are, not local-midnight Date objects.
    const getTypeParser = ((oid: number, format?: 'text' | 'binary') =>
      oid === pg.types.builtins.DATE
        ? (v: string) => v
        : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'];
    const result = await client.query({ text: query, types: { getTypeParser } });
    return result.rows as Record<string, unknown>[];
  } finally {
    await client.query('rollback').catch(() => undefined);
    client.release();
  }
}
beforeAll(async () => {
  database = await createTestDatabase(inject('databaseTemplateUrl'));
  store = openStore({ url: database.url, poolSize: 2 });
  await seed();
});
afterAll(async () => {
  await store?.close();
  await database?.drop();
});

describe('docs/sql.md', () => {
  it('has a dozen named queries, each with an expected result here and none without', () => {
    expect(queries.size).toBeGreaterThanOrEqual(12);
    expect([...queries.keys()].sort()).toEqual(Object.keys(expected).sort());
  });

  for (const name of Object.keys(expected)) {
    it(`${name}: runs as ztv_reader and answers for the seeded history`, async () => {
      const query = queries.get(name);
      expect(query, `docs/sql.md has no query named ${name}`).toBeDefined();
      expected[name]!(await asReader(query!));
    });
  }
});
