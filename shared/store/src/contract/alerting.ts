import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Database } from '../client';
import { applySignals } from '../findings/apply-signals';
import { personChangesToNotify, recordedChanges } from '../findings/changes';
import {
  acknowledgeFinding,
  resolveFindingManually,
  suppressFinding,
  unsuppressFinding,
} from '../findings/person-actions';
import { findingHistory, getFindingByFingerprint } from '../findings/queries';
import { resolveQuiet } from '../findings/resolve-quiet';
import { claimDelivery, recordDeliveryAttempt } from '../notifications/attempts';
import { claimGroupDelivery, flushGroup, pendingGroups } from '../notifications/groups';
import { repeatCandidates } from '../notifications/repeats';
import {
  insertNotifications,
  latestNotificationKinds,
  outboxNotifications,
  receiverKey,
  type OutboxInsert,
} from '../notifications/outbox';
import { findingEvents, notifications } from '../schema/index';
import { createSilence, expireSilence, listSilences, syncSilences } from '../silences/repository';
import { at, opts, signal } from './support';

/** People's actions on findings, silences, and the notification outbox and delivery records. */
export function alertingContract(db: () => Database): void {
  async function openFinding(namespace = 'payments', rule?: string) {
    const s = signal({ event: `open-${namespace}`, namespace, ...(rule ? { rule } : {}) });
    await applySignals(db(), [s], opts(0));
    return (await getFindingByFingerprint(db(), s.fingerprint))!;
  }
  const kinds = async (findingId: string) =>
    (await findingHistory(db(), findingId)).map((e) => `${e.kind}:${e.actor}`);

  describe('what people do to findings', () => {
    it('acknowledges an open finding once, with the actor in the history; refuses what it cannot', async () => {
      const f = await openFinding();
      const r = await acknowledgeFinding(db(), f.id, 'alice@example.com', at(60));
      expect(r).toMatchObject({
        ok: true,
        changed: true,
        finding: { status: 'acknowledged', acknowledgedAt: at(60) },
      });
      expect(await acknowledgeFinding(db(), f.id, 'bob', at(70))).toMatchObject({ ok: true, changed: false });
      expect(await kinds(f.id)).toEqual(['opened:alerter', 'acknowledged:alice@example.com']);
      expect(await acknowledgeFinding(db(), 'fnd_nope', 'bob', at(70))).toEqual({
        ok: false,
        error: 'not_found',
      });

      await resolveFindingManually(db(), f.id, 'bob', at(80), 'fixed the policy');
      expect(await acknowledgeFinding(db(), f.id, 'bob', at(90))).toMatchObject({
        ok: false,
        error: 'conflict',
        status: 'resolved',
      });
      expect((await findingHistory(db(), f.id)).at(-1)).toMatchObject({
        kind: 'resolved',
        actor: 'bob',
        data: { manual: true, reason: 'fixed the policy', previousStatus: 'acknowledged' },
      });
    });

    it('keeps a finding a person suppressed quiet through further firings, until unsuppressed', async () => {
      const f = await openFinding();
      expect(await suppressFinding(db(), f.id, 'alice', at(10), 'accepted risk')).toMatchObject({
        ok: true,
        finding: { status: 'suppressed', suppressedBy: null },
      });
      expect(await applySignals(db(), [signal({ event: 'again' })], opts(20))).toEqual([]);
      expect((await unsuppressFinding(db(), f.id, 'alice', at(30))) as { finding: unknown }).toMatchObject({
        finding: { status: 'open' },
      });
      expect(await unsuppressFinding(db(), f.id, 'alice', at(40))).toMatchObject({
        ok: false,
        error: 'conflict',
      });
      expect(await kinds(f.id)).toEqual([
        'opened:alerter',
        'suppressed:alice',
        'observed:alerter',
        'unsuppressed:alice',
      ]);
    });
  });

  describe('silences', () => {
    const week = (s: number) => at(s + 7 * 86_400);

    it('refuses matchers Alertmanager would refuse, naming each problem', async () => {
      const r = await createSilence(
        db(),
        {
          matchers: [
            { name: 'pod', op: '=', value: 'x' },
            { name: 'namespace', op: '=~', value: '(' },
          ],
          endsAt: at(0),
          createdBy: 'alice',
          comment: '',
        },
        at(0),
      );
      expect(r.ok).toBe(false);
      expect(r.ok ? [] : 'issues' in r ? r.issues : []).toEqual([
        expect.stringMatching(/^matchers\[0\]\.name: one of ruleId/),
        expect.stringMatching(/^matchers\[1\]\.value: invalid regular expression/),
        'endsAt: must be after startsAt',
        'endsAt: must be in the future',
        'comment: required (say why)',
      ]);
      const everything = await createSilence(
        db(),
        {
          matchers: [{ name: 'namespace', op: '=~', value: '.*' }],
          endsAt: week(0),
          createdBy: 'a',
          comment: 'c',
        },
        at(0),
      );
      expect(everything).toMatchObject({
        ok: false,
        issues: ['matchers: at least one matcher must not match the empty string'],
      });
    });

    it('suppresses matching open findings at once, lifts them when expired early, and lists states', async () => {
      const hit = await openFinding('team-a-dev');
      const miss = await openFinding('team-b');
      const r = await createSilence(
        db(),
        {
          matchers: [{ name: 'namespace', op: '=~', value: 'team-a-.*' }],
          endsAt: week(0),
          createdBy: 'alice',
          comment: 'migration',
        },
        at(100),
      );
      expect(r).toMatchObject({ ok: true, suppressed: 1 });
      const id = r.ok ? r.silence.id : '';
      expect(await getFindingByFingerprint(db(), hit.fingerprint)).toMatchObject({
        status: 'suppressed',
        suppressedBy: `silence:${id}`,
      });
      expect(await getFindingByFingerprint(db(), miss.fingerprint)).toMatchObject({ status: 'open' });
      expect((await listSilences(db(), { now: at(200) })).map((s) => s.state)).toEqual(['active']);

      expect(await expireSilence(db(), id, 'bob', at(300))).toMatchObject({
        ok: true,
        changed: true,
        released: 1,
      });
      expect(await expireSilence(db(), id, 'bob', at(400))).toMatchObject({ ok: true, changed: false });
      expect(await listSilences(db(), { now: at(400), state: 'expired' })).toHaveLength(1);
      expect(await kinds(hit.id)).toEqual(['opened:alerter', 'suppressed:alice', 'unsuppressed:bob']);
      expect((await findingHistory(db(), hit.id))[1]?.data).toMatchObject({
        silenceId: id,
        comment: 'migration',
      });
    });

    it('the periodic pass applies a silence when it starts and lifts it when it ends', async () => {
      const f = await openFinding('payments', 'netpol-allow-all');
      const r = await createSilence(
        db(),
        {
          matchers: [{ name: 'ruleId', op: '=', value: 'netpol-allow-all' }],
          startsAt: at(1000),
          endsAt: at(2000),
          createdBy: 'alice',
          comment: 'window',
        },
        at(0),
      );
      expect(r).toMatchObject({ ok: true, suppressed: 0 });
      expect((await syncSilences(db(), at(500), new Set())).transitions).toEqual([]);
      const started = await syncSilences(db(), at(1000), new Set());
      expect(started.transitions).toMatchObject([{ kind: 'suppressed', findingId: f.id }]);
      expect((await syncSilences(db(), at(1500), started.activeIds)).transitions).toEqual([]);
      const ended = await syncSilences(db(), at(2000), started.activeIds);
      expect(ended.transitions).toMatchObject([{ kind: 'unsuppressed', findingId: f.id, status: 'open' }]);
      expect(ended.activeIds.size).toBe(0);
      // recordedChanges finds the rows the pass wrote (no signal id), for notification.
      const [change] = await recordedChanges(db(), ended.transitions);
      expect(change).toMatchObject({
        kind: 'unsuppressed',
        actor: 'alerter',
        finding: { id: f.id, status: 'open' },
      });
      expect(await kinds(f.id)).toEqual(['opened:alerter', 'suppressed:alerter', 'unsuppressed:alerter']);
    });
  });

  describe('notifications', () => {
    const row = (findingId: string, over: Partial<OutboxInsert>): OutboxInsert => ({
      findingId,
      receiver: 'oncall',
      integration: 'pagerduty',
      integrationIndex: 0,
      kind: 'trigger',
      transitionSeq: 1,
      jobId: 'job-trigger',
      createdAt: at(0),
      ...over,
    });
    const notification = async (jobId: string) =>
      (await db().select().from(notifications).where(eq(notifications.jobId, jobId)))[0];

    it('keeps an outbox: inserts once per job id, offers rows no attempt started on', async () => {
      const f = await openFinding();
      expect(
        await insertNotifications(db(), [
          row(f.id, {}),
          row(f.id, { jobId: 'job-slack', integration: 'slack' }),
        ]),
      ).toBe(2);
      expect(await insertNotifications(db(), [row(f.id, {})])).toBe(0);
      expect(await claimDelivery(db(), { jobId: 'job-slack', attempt: 1 })).toEqual({ action: 'send' });
      const pending = await outboxNotifications(db(), { createdBefore: at(10), limit: 10 });
      expect(pending.map((p) => p.notification.jobId)).toEqual(['job-trigger']);
      expect(pending[0]?.finding.id).toBe(f.id);
      expect(await outboxNotifications(db(), { createdBefore: at(0), limit: 10 })).toEqual([]);
      const latest = await latestNotificationKinds(db(), [f.id]);
      expect(latest.get(receiverKey(f.id, 'oncall'))).toBe('trigger');
    });

    it('records each attempt once, in notifications and in the history', async () => {
      const f = await openFinding();
      await insertNotifications(db(), [row(f.id, {})]);
      const attempt = (n: number, status: 'sent' | 'retrying' | 'failed', statusCode: number) =>
        recordDeliveryAttempt(
          db(),
          {
            jobId: 'job-trigger',
            attempt: n,
            status,
            statusCode,
            error: status === 'sent' ? undefined : `answered ${statusCode}`,
          },
          at(n),
        );
      expect(await attempt(1, 'retrying', 429)).toBe(true);
      expect(await attempt(1, 'retrying', 429)).toBe(true);
      expect(await attempt(2, 'sent', 202)).toBe(true);
      expect(await attempt(1, 'retrying', 429)).toBe(false);
      expect(await attempt(3, 'failed', 500)).toBe(false);
      expect(await notification('job-trigger')).toMatchObject({
        status: 'sent',
        attempts: 2,
        lastStatusCode: 202,
        lastError: null,
        sentAt: at(2),
      });
      const history = await db().select().from(findingEvents).where(eq(findingEvents.findingId, f.id));
      expect(history.map((e) => [e.kind, e.data.attempt, e.data.statusCode])).toEqual([
        ['opened', undefined, undefined],
        ['notify_failed', 1, 429],
        ['notified', 2, 202],
      ]);
    });

    it('keeps a resolve behind its trigger: waits for one being retried, drops both when it never started', async () => {
      const f = await openFinding();
      await insertNotifications(db(), [
        row(f.id, { jobId: 't1', transitionSeq: 10 }),
        row(f.id, { jobId: 'r1', transitionSeq: 11, kind: 'resolve' }),
        row(f.id, { jobId: 't2', transitionSeq: 12 }),
        row(f.id, { jobId: 'r2', transitionSeq: 13, kind: 'resolve' }),
      ]);
      expect(await claimDelivery(db(), { jobId: 't1', attempt: 1 })).toEqual({ action: 'send' });
      expect(await claimDelivery(db(), { jobId: 'r1', attempt: 1 })).toMatchObject({ action: 'wait' });
      await recordDeliveryAttempt(db(), { jobId: 't1', attempt: 1, status: 'sent', statusCode: 202 }, at(1));
      expect(await claimDelivery(db(), { jobId: 'r1', attempt: 2 })).toEqual({ action: 'send' });
      expect(await claimDelivery(db(), { jobId: 't1', attempt: 2 })).toMatchObject({
        action: 'drop',
        reason: 'notification already sent',
      });

      // t2 never started (a group_wait delay): the resolve ends both, and t2 is never sent.
      expect(await claimDelivery(db(), { jobId: 'r2', attempt: 1 })).toMatchObject({ action: 'drop' });
      expect(await claimDelivery(db(), { jobId: 't2', attempt: 1 })).toMatchObject({ action: 'drop' });
      expect(await notification('t2')).toMatchObject({
        status: 'dropped',
        lastError: 'finding resolved before the trigger was sent',
      });
      expect(await claimDelivery(db(), { jobId: 'not-recorded', attempt: 1 })).toEqual({ action: 'send' });
    });

    it('offers what people did for notification until it has notifications, and quiet resolutions to recordedChanges', async () => {
      const f = await openFinding();
      const ack = await acknowledgeFinding(db(), f.id, 'alice', at(50));
      const eventId = ack.ok ? ack.event!.id : 0;
      const offered = await personChangesToNotify(db(), { since: at(0), limit: 10 });
      expect(offered).toMatchObject([
        { kind: 'acknowledged', eventId, actor: 'alice', finding: { id: f.id } },
      ]);
      expect(await personChangesToNotify(db(), { since: at(51), limit: 10 })).toEqual([]);
      await insertNotifications(db(), [
        row(f.id, { jobId: 'ack', kind: 'acknowledge', transitionSeq: eventId }),
      ]);
      expect(await personChangesToNotify(db(), { since: at(0), limit: 10 })).toEqual([]);

      await applySignals(
        db(),
        [signal({ rule: 'flow-plaintext', event: 'f1', quietPeriodSeconds: 60 })],
        opts(0),
      );
      const quiet = await resolveQuiet(db(), at(120));
      const changes = await recordedChanges(db(), quiet);
      expect(changes).toMatchObject([
        {
          kind: 'resolved',
          actor: 'alerter',
          at: at(120),
          finding: { ruleId: 'flow-plaintext', status: 'resolved' },
        },
      ]);
    });
    it('offers repeats of delivered triggers to open findings only, numbered on from the last repeat', async () => {
      const f = await openFinding();
      const acked = await openFinding('billing');
      await insertNotifications(db(), [
        row(f.id, {}),
        row(acked.id, { jobId: 'job-acked' }),
        row(f.id, { jobId: 'job-slack', integration: 'slack', receiver: 'chat' }),
      ]);
      for (const jobId of ['job-trigger', 'job-acked'])
        await recordDeliveryAttempt(db(), { jobId, attempt: 1, status: 'sent' }, at(10));
      await acknowledgeFinding(db(), acked.id, 'alice', at(20));
      // The Slack trigger was never delivered: nothing to repeat there.
      const due = await repeatCandidates(db(), { notifiedBefore: at(100), limit: 10 });
      expect(due.map((c) => [c.finding.id, c.receiver, c.lastRepeat, c.lastNotifiedAt])).toEqual([
        [f.id, 'oncall', 0, at(10)],
      ]);
      expect(await repeatCandidates(db(), { notifiedBefore: at(10), limit: 10 })).toEqual([]);
      await insertNotifications(db(), [row(f.id, { jobId: 'job-repeat-1', repeat: 1, createdAt: at(50) })]);
      // The repeat (not yet delivered) counts from its creation.
      expect(await repeatCandidates(db(), { notifiedBefore: at(50), limit: 10 })).toEqual([]);
      expect(
        (await repeatCandidates(db(), { notifiedBefore: at(51), limit: 10 })).map((c) => c.lastRepeat),
      ).toEqual([1]);
      // A resolve behind a repeat that never started drops the repeat and goes out.
      await insertNotifications(db(), [
        row(f.id, { jobId: 'job-resolve', kind: 'resolve', transitionSeq: 2 }),
      ]);
      expect(await claimDelivery(db(), { jobId: 'job-resolve', attempt: 1 })).toEqual({ action: 'send' });
      expect(await notification('job-repeat-1')).toMatchObject({ status: 'dropped' });
    });

    it('flushes a group once, and claims its members in order (a fired-and-resolved finding drops out)', async () => {
      const [a, b] = [await openFinding('a'), await openFinding('b')];
      const group = { key: 'g1', route: 'route', labels: { cluster: 'prod-eu1' } };
      const member = (findingId: string, jobId: string, over: Partial<OutboxInsert> = {}) =>
        row(findingId, { jobId, receiver: 'chat', integration: 'slack', group, ...over });
      await insertNotifications(db(), [
        member(a.id, 'a-trigger', { createdAt: at(5) }),
        member(b.id, 'b-trigger', { createdAt: at(7) }),
        member(b.id, 'b-resolve', { kind: 'resolve', transitionSeq: 2, createdAt: at(8) }),
      ]);
      const pending = await pendingGroups(db(), { limit: 10 });
      expect(pending).toEqual([expect.objectContaining({ key: 'g1', lastSeq: 0, firstPendingAt: at(5) })]);
      // Grouped rows not yet in a flush are not the outbox's.
      expect(await outboxNotifications(db(), { createdBefore: at(100), limit: 10 })).toEqual([]);
      expect(await flushGroup(db(), 'g1', at(30), () => false)).toBeUndefined();
      const [first, second] = await Promise.all([
        flushGroup(db(), 'g1', at(30), () => true),
        flushGroup(db(), 'g1', at(30), () => true),
      ]);
      expect([first?.seq, second?.seq].filter(Boolean)).toEqual([1]);
      expect(await pendingGroups(db(), { limit: 10 })).toEqual([]);
      expect((await outboxNotifications(db(), { createdBefore: at(100), limit: 10 })).length).toBe(3);

      const claimed = await claimGroupDelivery(db(), { groupKey: 'g1', groupSeq: 1, attempt: 1 });
      expect(claimed.action === 'send' && claimed.members.map((m) => [m.jobId, m.finding.id])).toEqual([
        ['a-trigger', a.id],
      ]);
      expect((await notification('b-trigger'))?.status).toBe('dropped');
      expect((await notification('b-resolve'))?.status).toBe('dropped');
      expect(await claimGroupDelivery(db(), { groupKey: 'g1', groupSeq: 2, attempt: 1 })).toMatchObject({
        action: 'drop',
      });
    });
  });
}
