import { findingFingerprint, signalIdOf, type Signal, type Subject } from '@ztv/events';
import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Database, Store } from '../client';
import {
  apiTokens,
  findingEvents,
  findings,
  notificationGroups,
  notifications,
  remediations,
  silences,
} from '../schema/index';

/** What a contract run needs from a driver: a migrated store of its own, and a way to throw it away. */
export interface ContractStore {
  store: Store;
  dispose(): Promise<void>;
}
export type MakeStore = () => Promise<ContractStore>;

export interface ContractOptions {
  /** Whether the database enforces roles (ztv_reader tests). */
  roles: boolean;
}

export const t0 = new Date('2025-03-04T10:00:00.000Z');
export const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
export const flapWindowSeconds = 300;
export const opts = (seconds: number) => ({ now: at(seconds), flapWindowSeconds });

export interface SignalSpec {
  rule?: string;
  namespace?: string;
  transition?: Signal['transition'];
  event: string;
  severity?: Signal['severity'];
  suppressedBy?: string;
  quietPeriodSeconds?: number;
}

/** A signal shaped like the rule-worker's: fingerprint and signal id computed the way @ztv/events defines them. */
export function signal(spec: SignalSpec): Signal {
  const rule = spec.rule ?? 'netpol-default-deny-missing';
  const namespace = spec.namespace ?? 'payments';
  const transition = spec.transition ?? 'firing';
  const subject: Subject = { namespace, kind: 'Namespace', name: namespace };
  const fingerprint = findingFingerprint(rule, 'prod', subject);
  return {
    signalId: signalIdOf(rule, fingerprint, spec.event, transition),
    ruleId: rule,
    transition,
    severity: spec.severity ?? 'high',
    area: 'network',
    title: `${rule} in ${namespace}`,
    message: `namespace ${namespace}: ${rule}`,
    cluster: 'prod',
    subject,
    fingerprint,
    evidence: { event: spec.event },
    eventId: spec.event,
    eventType: 'k8s.resource',
    time: t0.toISOString(),
    ...(spec.quietPeriodSeconds !== undefined ? { quietPeriodSeconds: spec.quietPeriodSeconds } : {}),
    ...(spec.suppressedBy !== undefined ? { suppressedBy: spec.suppressedBy } : {}),
  };
}

export async function counts(db: Database): Promise<{ findings: number; events: number }> {
  const [f] = await db.select({ n: sql<number>`count(*)::int` }).from(findings);
  const [e] = await db.select({ n: sql<number>`count(*)::int` }).from(findingEvents);
  return { findings: f?.n ?? 0, events: e?.n ?? 0 };
}

/** The SQLSTATE of a database error, looking through drizzle's wrapper. */
export function sqlState(err: unknown): string | undefined {
  for (let e = err; e instanceof Error; e = e.cause) {
    if ('code' in e && typeof e.code === 'string') return e.code;
  }
  return undefined;
}

export async function expectSqlState(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected SQLSTATE ${code}`).toBeInstanceOf(Error);
  expect(sqlState(err)).toBe(code);
}

/** Empties every table (a file-level database shared by its tests, reset between them: much cheaper than a new one). */
export async function truncateAll(db: Database): Promise<void> {
  const tables = [findings, findingEvents, notifications, notificationGroups, remediations, silences, apiTokens];
  await db.execute(sql`truncate ${sql.join(tables, sql`, `)} restart identity cascade`);
}
