import { describe, expect, it } from 'vitest';
import { receiverKey } from '@ztv/store';
import type { NotificationKind } from '@ztv/jobs';
import { parseRoutingConfig } from '../notify/index';
import { planNotifications } from './plan';
import { change, findingRow } from './test-findings';

const routing = parseRoutingConfig({
  route: {
    receiver: 'chat',
    group_wait: '10s',
    // Critical goes to the pager and on to chat; everything else to chat.
    routes: [
      { match: { severity: 'critical' }, receiver: 'pager', continue: true, group_wait: '0s' },
      { receiver: 'chat' },
    ],
  },
  receivers: [
    { name: 'chat', slack_configs: [{ webhook_url: 'https://hooks.slack.com/services/T0/B0/SECRETSECRET' }] },
    {
      name: 'pager',
      pagerduty_configs: [{ routing_key: 'R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY00' }],
      slack_configs: [
        { webhook_url: 'https://hooks.slack.com/services/T0/B1/SECRETSECRET', send_resolved: false },
      ],
    },
  ],
});
const ids = (p: ReturnType<typeof planNotifications>) =>
  p.jobs.map((j) => j.jobId.replace(/^notify:/, '').replace(findingRow().fingerprint, 'fp'));
const f = findingRow().id;

describe('planNotifications', () => {
  it('triggers every routed receiver on open, with job ids from the event id and group_wait as delay', () => {
    const plan = planNotifications(routing, [change('opened', 41)], new Map());
    expect(ids(plan)).toEqual([
      'pager:fp:trigger:41:slack-0',
      'pager:fp:trigger:41:pagerduty-0',
      'chat:fp:trigger:41:slack-0',
    ]);
    expect(plan.jobs.map((j) => j.delayMs)).toEqual([0, 0, 10_000]);
    expect(plan.rows[1]).toMatchObject({
      findingId: f,
      receiver: 'pager',
      integration: 'pagerduty',
      kind: 'trigger',
      transitionSeq: 41,
    });
    expect(plan.jobs[1]?.payload).toMatchObject({
      kind: 'trigger',
      transitionSeq: 41,
      finding: { id: f, firstSeen: '2025-11-26T10:00:00.000Z' },
    });
  });

  it('resolves only where a trigger went, honouring send_resolved, and without delay', () => {
    const latest = new Map<string, NotificationKind>([[receiverKey(f, 'pager'), 'trigger']]);
    const plan = planNotifications(routing, [change('resolved', 42)], latest);
    expect(ids(plan)).toEqual(['pager:fp:resolve:42:pagerduty-0']);
    expect(plan.jobs[0]?.delayMs).toBe(0);
    expect(latest.get(receiverKey(f, 'pager'))).toBe('resolve');
    expect(planNotifications(routing, [change('resolved', 43)], latest).jobs).toEqual([]);
  });

  it('sees earlier changes of the same batch: open then resolve notifies both', () => {
    const plan = planNotifications(routing, [change('opened', 1), change('resolved', 2)], new Map());
    expect(ids(plan).filter((i) => i.includes(':resolve:'))).toEqual([
      'pager:fp:resolve:2:pagerduty-0',
      'chat:fp:resolve:2:slack-0',
    ]);
  });

  it('re-triggers on unsuppress only receivers not already told; acknowledges only triggered ones, with the actor', () => {
    const latest = new Map<string, NotificationKind>([[receiverKey(f, 'pager'), 'trigger']]);
    expect(ids(planNotifications(routing, [change('unsuppressed', 5)], new Map(latest)))).toEqual([
      'chat:fp:trigger:5:slack-0',
    ]);
    const ack = planNotifications(routing, [change('acknowledged', 6, { actor: 'alice' })], latest);
    expect(ids(ack)).toEqual(['pager:fp:acknowledge:6:slack-0', 'pager:fp:acknowledge:6:pagerduty-0']);
    expect(ack.jobs[0]?.payload.actor).toBe('alice');
  });

  it('routes a non-critical finding to chat only, and refuses a payload the job schema would refuse', () => {
    const low = change('opened', 7, { finding: findingRow({ severity: 'low' }) });
    expect(ids(planNotifications(routing, [low], new Map()))).toEqual(['chat:fp:trigger:7:slack-0']);
    const bad = change('opened', 8, { finding: findingRow({ severity: 'low', cluster: '' }) });
    const plan = planNotifications(routing, [bad], new Map());
    expect(plan.jobs).toEqual([]);
    expect(plan.rows).toEqual([]);
    expect(plan.invalid).toEqual([
      { jobId: expect.stringContaining(':trigger:8:'), reason: expect.stringContaining('finding.cluster') },
    ]);
  });
});
