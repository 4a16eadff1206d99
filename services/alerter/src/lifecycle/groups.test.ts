import { describe, expect, it } from 'vitest';
import type { PendingGroup } from '@ztv/store';
import { groupOf, parseRoutingConfig } from '../notify/index';
import { sampleFinding } from '../notify/test-fixtures';
import { groupDueAt, groupFlushJob } from './groups';

const routing = parseRoutingConfig({
  route: {
    receiver: 'chat',
    group_by: ['namespace', 'severity'],
    group_wait: '30s',
    group_interval: '5m',
    routes: [{ match: { severity: 'critical' }, receiver: 'chat', group_wait: '0s' }],
  },
  receivers: [
    { name: 'chat', slack_configs: [{ webhook_url: 'https://hooks.slack.com/services/T0/B0/SECRETSECRET' }] },
  ],
});
const t0 = new Date('2025-11-26T10:00:00.000Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);
const group = (over: Partial<PendingGroup> = {}): PendingGroup => ({
  key: 'k',
  receiver: 'chat',
  integration: 'slack',
  integrationIndex: 0,
  route: 'route',
  labels: { namespace: 'prod', severity: 'high' },
  lastSeq: 0,
  lastFlushedAt: null,
  createdAt: t0,
  firstPendingAt: t0,
  ...over,
});

describe('groupDueAt', () => {
  it("flushes a new group group_wait after its first notification (the route's own group_wait)", () => {
    expect(groupDueAt(routing, group())).toEqual(at(30));
    expect(groupDueAt(routing, group({ route: 'route.routes[0]' }))).toEqual(t0);
  });

  it('flushes a live group group_interval after its previous flush, however recent the change', () => {
    const live = group({ lastSeq: 1, lastFlushedAt: at(30), firstPendingAt: at(299) });
    expect(groupDueAt(routing, live)).toEqual(at(330));
    expect(groupDueAt(routing, { ...live, firstPendingAt: at(31) })).toEqual(at(330));
  });

  it('treats a group quiet for a whole group_interval as new again (group_wait)', () => {
    expect(groupDueAt(routing, group({ lastSeq: 3, lastFlushedAt: at(0), firstPendingAt: at(400) }))).toEqual(
      at(430),
    );
  });

  it('flushes at once a group whose route left the config', () => {
    expect(groupDueAt(routing, group({ route: 'route.routes[7]', firstPendingAt: at(5) }))).toEqual(at(5));
  });
});

describe('groupOf', () => {
  const route = routing.route;
  const to = (finding = sampleFinding(), integration: 'slack' | 'pagerduty' = 'slack') =>
    groupOf(route, { receiver: 'chat', integration, index: 0, finding });

  it('puts findings whose group_by labels agree in one group, per route and integration', () => {
    const a = to(sampleFinding({ id: 'fnd_a', fingerprint: 'a', ruleId: 'mtls-not-strict' }));
    const b = to(sampleFinding({ id: 'fnd_b', fingerprint: 'b', cluster: 'other' }));
    expect(a).toEqual({ key: b?.key, route: 'route', labels: { severity: 'high', namespace: 'prod' } });
    expect(to(sampleFinding({ severity: 'low' }))?.key).not.toBe(a?.key);
    expect(
      groupOf(route, { receiver: 'chat', integration: 'slack', index: 1, finding: sampleFinding() })?.key,
    ).not.toBe(a?.key);
  });

  it('never groups PagerDuty (dedup_key is the fingerprint), nor a route without group_by or with "..."', () => {
    expect(to(sampleFinding(), 'pagerduty')).toBeUndefined();
    const plain = parseRoutingConfig({
      route: {
        receiver: 'chat',
        routes: [{ match: { severity: 'low' }, receiver: 'chat', group_by: ['...'] }],
      },
      receivers: [
        { name: 'chat', slack_configs: [{ webhook_url: 'https://hooks.slack.com/services/T/B/S' }] },
      ],
    });
    const g = (r: typeof plain.route) =>
      groupOf(r, { receiver: 'chat', integration: 'slack', index: 0, finding: sampleFinding() });
    expect(g(plain.route)).toBeUndefined();
    expect(g(plain.route.routes[0]!)).toBeUndefined();
  });

  it('groups the whole route in one group when group_by is an empty list (Alertmanager)', () => {
    const all = parseRoutingConfig({
      route: { receiver: 'chat', group_by: [] },
      receivers: [
        { name: 'chat', slack_configs: [{ webhook_url: 'https://hooks.slack.com/services/T/B/S' }] },
      ],
    });
    const key = (f = sampleFinding()) =>
      groupOf(all.route, { receiver: 'chat', integration: 'slack', index: 0, finding: f });
    expect(key()).toMatchObject({ labels: {} });
    expect(key(sampleFinding({ severity: 'critical', cluster: 'x' }))?.key).toBe(key()?.key);
  });
});

describe('groupFlushJob', () => {
  it('names a flush by receiver, group key and flush number', () => {
    const { jobId, payload } = groupFlushJob(group({ key: 'abc' }), 3, at(60));
    expect(jobId).toBe('notify-group:chat:abc:3:slack-0');
    expect(payload).toMatchObject({ groupKey: 'abc', groupSeq: 3, at: at(60).toISOString() });
  });
});
