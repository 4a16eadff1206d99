import { describe, expect, it } from 'vitest';
import type { RepeatCandidate } from '@ztv/store';
import { parseRoutingConfig } from '../notify/index';
import { planRepeats, shortestRepeatIntervalMs } from './repeat';
import { findingRow } from './test-findings';

const routing = parseRoutingConfig({
  route: {
    receiver: 'chat',
    repeat_interval: '4h',
    routes: [
      { match: { severity: 'critical' }, receiver: 'pager', continue: true, repeat_interval: '30m' },
      { match: { namespace: 'grouped' }, receiver: 'chat', group_by: ['namespace'] },
      { receiver: 'chat' },
    ],
  },
  receivers: [
    { name: 'chat', slack_configs: [{ webhook_url: 'https://hooks.slack.com/services/T0/B0/SECRETSECRET' }] },
    { name: 'pager', pagerduty_configs: [{ routing_key: 'R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY00' }] },
  ],
});
const t0 = new Date('2025-11-26T10:00:00.000Z');
const minutes = (m: number) => new Date(t0.getTime() + m * 60_000);
const candidate = (over: Partial<RepeatCandidate> = {}): RepeatCandidate => ({
  finding: findingRow(),
  receiver: 'pager',
  integration: 'pagerduty',
  integrationIndex: 0,
  transitionSeq: 41,
  lastRepeat: 0,
  lastNotifiedAt: t0,
  ...over,
});
const fp = findingRow().fingerprint;

describe('planRepeats', () => {
  it("repeats once the route's repeat_interval has passed since the receiver was last told", () => {
    expect(planRepeats(routing, [candidate()], minutes(29)).rows).toEqual([]);
    const plan = planRepeats(routing, [candidate()], minutes(30));
    expect(plan.jobs.map((j) => j.jobId)).toEqual([`notify:pager:${fp}:repeat:41.1:pagerduty-0`]);
    expect(plan.jobs[0]).toMatchObject({
      delayMs: 0,
      payload: { kind: 'trigger', transitionSeq: 41, repeat: 1, at: minutes(30).toISOString() },
    });
    expect(plan.rows).toEqual([
      expect.objectContaining({ kind: 'trigger', transitionSeq: 41, repeat: 1, createdAt: minutes(30) }),
    ]);
  });

  it('numbers repeats on from the last one, so a replayed pass plans the same job id', () => {
    const c = candidate({ lastRepeat: 2, lastNotifiedAt: minutes(60) });
    const once = planRepeats(routing, [c], minutes(95));
    expect(once.jobs.map((j) => j.jobId)).toEqual([`notify:pager:${fp}:repeat:41.3:pagerduty-0`]);
    expect(planRepeats(routing, [c], minutes(95)).jobs.map((j) => j.jobId)).toEqual(
      once.jobs.map((j) => j.jobId),
    );
  });

  it('uses the repeat_interval of the route that sends to the receiver', () => {
    const chat = candidate({ receiver: 'chat', integration: 'slack' });
    expect(planRepeats(routing, [chat], minutes(239)).rows).toEqual([]);
    expect(planRepeats(routing, [chat], minutes(240)).jobs.map((j) => j.jobId)).toEqual([
      `notify:chat:${fp}:repeat:41.1:slack-0`,
    ]);
  });

  it('does not repeat to an integration the current config no longer routes the finding to', () => {
    const notCritical = candidate({ finding: findingRow({ severity: 'high' }) });
    expect(planRepeats(routing, [notCritical], minutes(600)).rows).toEqual([]);
    expect(planRepeats(routing, [candidate({ integrationIndex: 1 })], minutes(600)).rows).toEqual([]);
  });

  it('writes a grouped integration its row only: the repeat goes out with its group', () => {
    const grouped = candidate({
      receiver: 'chat',
      integration: 'slack',
      finding: findingRow({
        severity: 'high',
        subject: { namespace: 'grouped', kind: 'Namespace', name: 'grouped' },
      }),
    });
    const plan = planRepeats(routing, [grouped], minutes(240));
    expect(plan.jobs).toEqual([]);
    expect(plan.rows).toEqual([
      expect.objectContaining({
        repeat: 1,
        group: expect.objectContaining({ labels: { namespace: 'grouped' }, route: 'route.routes[1]' }),
      }),
    ]);
  });
});

describe('shortestRepeatIntervalMs', () => {
  it('is the smallest repeat_interval in the tree, ignoring routes that turn repeats off', () => {
    expect(shortestRepeatIntervalMs(routing.route)).toBe(30 * 60_000);
    const off = parseRoutingConfig({
      route: { receiver: 'chat', repeat_interval: '0' },
      receivers: [
        { name: 'chat', slack_configs: [{ webhook_url: 'https://hooks.slack.com/services/T/B/S' }] },
      ],
    });
    expect(shortestRepeatIntervalMs(off.route)).toBeUndefined();
  });
});
