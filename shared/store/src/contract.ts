import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Severity } from '@ztv/events';
import type { Store } from './client';
import { applySignals } from './findings/apply-signals';
import { findingHistory, getFindingByFingerprint } from './findings/queries';
import { resolveQuiet } from './findings/resolve-quiet';
import {
  counts,
  opts,
  signal,
  type ContractOptions,
  type ContractStore,
  type MakeStore,
} from './contract/support';
import { queryContract } from './contract/queries';
import { viewContract } from './contract/views';
import { alertingContract } from './contract/alerting';

export type { ContractStore, MakeStore, ContractOptions } from './contract/support';

/**
 * The behaviour every @ztv/store driver must show, run against PGlite (unit) and real Postgres (integration). Each
 * test gets a fresh migrated database from `makeStore`.
 */
export function storeContract(name: string, makeStore: MakeStore, options: ContractOptions): void {
  describe(`store contract: ${name}`, () => {
    let handle: ContractStore;
    let store: Store;
    beforeEach(async () => {
      handle = await makeStore();
      store = handle.store;
    });
    afterEach(async () => {
      await handle.dispose();
    });
    const db = () => store.db;

    it('opens a finding and its opened row on the first firing signal', async () => {
      const s = signal({ event: 'e1' });
      const transitions = await applySignals(db(), [s], opts(0));
      expect(transitions).toMatchObject([
        {
          kind: 'opened',
          fingerprint: s.fingerprint,
          previousStatus: null,
          status: 'open',
          signalId: s.signalId,
        },
      ]);
      const f = await getFindingByFingerprint(db(), s.fingerprint);
      expect(f).toMatchObject({
        status: 'open',
        occurrences: 1,
        ruleId: s.ruleId,
        namespace: 'payments',
        severity: 'high',
        lastSignalId: s.signalId,
      });
      expect(f?.id).toMatch(/^fnd_[0-9a-z]{26}$/);
      const history = await findingHistory(db(), f?.id ?? '');
      expect(history).toMatchObject([{ kind: 'opened', signalId: s.signalId, actor: 'alerter' }]);
    });

    it('writes a whole batch in one transaction: a bad signal rolls back the good ones', async () => {
      const good = signal({ event: 'e1', namespace: 'a' });
      const bad = signal({ event: 'e2', namespace: 'b', severity: 'catastrophic' as Severity });
      await expect(applySignals(db(), [good, bad], opts(0))).rejects.toThrow();
      expect(await counts(db())).toEqual({ findings: 0, events: 0 });
    });

    it('changes nothing when a signal is replayed, alone or in a batch', async () => {
      const batch = [
        signal({ event: 'e1' }),
        signal({ event: 'e2' }),
        signal({ event: 'e3', transition: 'resolved' }),
        signal({ event: 'e4', namespace: 'x' }),
      ];
      expect(await applySignals(db(), batch, opts(0))).toHaveLength(3);
      const before = await counts(db());
      const finding = await getFindingByFingerprint(db(), batch[0]!.fingerprint);

      expect(await applySignals(db(), [batch[1]!], opts(60))).toEqual([]);
      expect(await applySignals(db(), batch, opts(120))).toEqual([]);
      expect(await counts(db())).toEqual(before);
      expect(await getFindingByFingerprint(db(), batch[0]!.fingerprint)).toEqual(finding);
    });

    it('applies only the fresh signals of a partly replayed batch, also inside a caller\'s transaction', async () => {
      const applied = [signal({ event: 'e1' }), signal({ event: 'e2', namespace: 'b' })];
      await applySignals(db(), applied, opts(0));
      const mixed = [
        signal({ event: 'e3' }),
        applied[0]!,
        signal({ event: 'e4', namespace: 'b', transition: 'resolved' }),
        applied[1]!,
        signal({ event: 'e5', namespace: 'c' }),
      ];
      // The first pass meets e1 and e2 in finding_events and is rolled back to the caller's savepoint.
      const transitions = await db().transaction((tx) => applySignals(tx, mixed, opts(60)));
      expect(transitions.map((t) => [t.kind, t.signalId])).toEqual([
        ['resolved', mixed[2]!.signalId],
        ['opened', mixed[4]!.signalId],
      ]);
      expect(transitions.every((t) => typeof t.eventId === 'number')).toBe(true);
      expect(await counts(db())).toEqual({ findings: 3, events: 5 });
      const a = await getFindingByFingerprint(db(), applied[0]!.fingerprint);
      expect(a).toMatchObject({ status: 'open', occurrences: 2, lastSignalId: mixed[0]!.signalId });
      expect((await findingHistory(db(), a?.id ?? '')).map((e) => e.kind)).toEqual(['opened', 'observed']);
    });

    it('counts a signal id repeated inside one batch once', async () => {
      const s = signal({ event: 'e1' });
      expect(await applySignals(db(), [s, s, s], opts(0))).toHaveLength(1);
      expect(await counts(db())).toEqual({ findings: 1, events: 1 });
    });

    it('records further occurrences of an open finding as observed, without a transition', async () => {
      await applySignals(db(), [signal({ event: 'e1' })], opts(0));
      const s2 = signal({ event: 'e2', severity: 'critical' });
      expect(await applySignals(db(), [s2], opts(30))).toEqual([]);
      const f = await getFindingByFingerprint(db(), s2.fingerprint);
      expect(f).toMatchObject({
        status: 'open',
        occurrences: 2,
        severity: 'critical',
        lastSignalId: s2.signalId,
      });
      expect(f?.lastSeenAt).toEqual(opts(30).now);
      expect(f?.firstSeenAt).toEqual(opts(0).now);
      expect((await findingHistory(db(), f?.id ?? '')).map((e) => e.kind)).toEqual(['opened', 'observed']);
    });

    it('resolves an open finding; a resolved signal for nothing, or repeated, does nothing', async () => {
      expect(await applySignals(db(), [signal({ event: 'r0', transition: 'resolved' })], opts(0))).toEqual(
        [],
      );
      expect(await counts(db())).toEqual({ findings: 0, events: 0 });

      await applySignals(db(), [signal({ event: 'e1' })], opts(0));
      const r = signal({ event: 'r1', transition: 'resolved' });
      expect(await applySignals(db(), [r], opts(60))).toMatchObject([
        { kind: 'resolved', previousStatus: 'open', status: 'resolved' },
      ]);
      expect(await applySignals(db(), [signal({ event: 'r2', transition: 'resolved' })], opts(90))).toEqual(
        [],
      );
      const f = await getFindingByFingerprint(db(), r.fingerprint);
      expect(f).toMatchObject({ status: 'resolved', resolvedAt: opts(60).now });
      expect((await findingHistory(db(), f?.id ?? '')).map((e) => e.kind)).toEqual(['opened', 'resolved']);
    });

    it('reopens a resolved finding that fires after the flap window', async () => {
      await applySignals(
        db(),
        [signal({ event: 'e1' }), signal({ event: 'r1', transition: 'resolved' })],
        opts(0),
      );
      const t = await applySignals(db(), [signal({ event: 'e2' })], opts(3600));
      expect(t).toMatchObject([{ kind: 'reopened', previousStatus: 'resolved', status: 'open' }]);
      const f = await getFindingByFingerprint(db(), signal({ event: 'e2' }).fingerprint);
      expect(f).toMatchObject({
        status: 'open',
        reopenCount: 1,
        flapCount: 0,
        resolvedAt: null,
        occurrences: 2,
      });
    });

    it('damps a refire within the flap window: open again, counted, no reopen', async () => {
      await applySignals(db(), [signal({ event: 'e1' })], opts(0));
      await applySignals(db(), [signal({ event: 'r1', transition: 'resolved' })], opts(100));
      const t = await applySignals(db(), [signal({ event: 'e2' })], opts(200));
      expect(t).toMatchObject([{ kind: 'flapped', previousStatus: 'resolved', status: 'open' }]);
      const f = await getFindingByFingerprint(db(), signal({ event: 'e2' }).fingerprint);
      expect(f).toMatchObject({ status: 'open', reopenCount: 0, flapCount: 1 });
      const last = (await findingHistory(db(), f?.id ?? '')).at(-1);
      expect(last).toMatchObject({ kind: 'reopened', data: { flapped: true } });
    });

    it('applies several signals for one finding in batch order', async () => {
      const batch = [
        signal({ event: 'e1' }),
        signal({ event: 'r1', transition: 'resolved' }),
        signal({ event: 'e2' }),
        signal({ event: 'e3', namespace: 'other' }),
      ];
      const t = await applySignals(db(), batch, opts(0));
      expect(t.map((x) => `${x.kind}:${x.namespace}`)).toEqual([
        'opened:payments',
        'resolved:payments',
        'flapped:payments',
        'opened:other',
      ]);
      const f = await getFindingByFingerprint(db(), batch[0]!.fingerprint);
      expect((await findingHistory(db(), f?.id ?? '')).map((e) => e.kind)).toEqual([
        'opened',
        'resolved',
        'reopened',
      ]);
    });

    it('suppresses on an exception, keeps it suppressed, and unsuppresses when the exception stops matching', async () => {
      const born = signal({ event: 'e1', namespace: 'sandbox', suppressedBy: 'exc-sandbox' });
      expect(await applySignals(db(), [born], opts(0))).toMatchObject([
        { kind: 'suppressed', previousStatus: null, status: 'suppressed' },
      ]);
      expect(await getFindingByFingerprint(db(), born.fingerprint)).toMatchObject({
        status: 'suppressed',
        suppressedBy: 'exc-sandbox',
      });

      await applySignals(db(), [signal({ event: 'e1' })], opts(0));
      const t = await applySignals(
        db(),
        [
          signal({ event: 'e2', suppressedBy: 'exc-payments' }),
          signal({ event: 'e3', suppressedBy: 'exc-payments' }),
        ],
        opts(10),
      );
      expect(t).toMatchObject([{ kind: 'suppressed', previousStatus: 'open' }]);
      expect(await applySignals(db(), [signal({ event: 'e4' })], opts(20))).toMatchObject([
        { kind: 'unsuppressed', status: 'open' },
      ]);
      const f = await getFindingByFingerprint(db(), signal({ event: 'e4' }).fingerprint);
      expect(f).toMatchObject({ status: 'open', suppressedBy: null, occurrences: 4 });
      expect((await findingHistory(db(), f?.id ?? '')).map((e) => e.kind)).toEqual([
        'opened',
        'suppressed',
        'observed',
        'unsuppressed',
      ]);
    });

    it('resolves event-based findings after their quiet period', async () => {
      const quiet = signal({ rule: 'flow-plaintext', event: 'f1', quietPeriodSeconds: 600 });
      const stateBased = signal({ event: 'e1' });
      await applySignals(db(), [quiet, stateBased], opts(0));
      await applySignals(
        db(),
        [signal({ rule: 'flow-plaintext', event: 'f2', quietPeriodSeconds: 600 })],
        opts(300),
      );

      expect(await resolveQuiet(db(), opts(600).now)).toEqual([]);
      const t = await resolveQuiet(db(), opts(901).now);
      expect(t).toMatchObject([
        { kind: 'resolved', fingerprint: quiet.fingerprint, previousStatus: 'open', signalId: null },
      ]);
      expect(await resolveQuiet(db(), opts(5000).now)).toEqual([]);
      const f = await getFindingByFingerprint(db(), quiet.fingerprint);
      expect(f).toMatchObject({ status: 'resolved', resolvedAt: opts(901).now });
      expect((await findingHistory(db(), f?.id ?? '')).at(-1)).toMatchObject({
        kind: 'resolved',
        signalId: null,
        data: { reason: 'quiet-period' },
      });
      expect(await getFindingByFingerprint(db(), stateBased.fingerprint)).toMatchObject({ status: 'open' });
    });

    it('applies a batch exactly once when two writers race with it', async () => {
      const batch = Array.from({ length: 50 }, (_, i) =>
        signal({ event: `e${i}`, namespace: `ns-${i % 10}` }),
      );
      const results = await Promise.allSettled([
        applySignals(db(), batch, opts(0)),
        applySignals(db(), batch, opts(0)),
      ]);
      const applied = results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
      expect(applied.filter((t) => t.kind === 'opened')).toHaveLength(10);
      // A loser may be told to retry; retrying changes nothing.
      expect(await applySignals(db(), batch, opts(1))).toEqual([]);
      expect(await counts(db())).toEqual({ findings: 10, events: 50 });
    });

    queryContract(db);
    viewContract(db, options);
    alertingContract(db);
  });
}
