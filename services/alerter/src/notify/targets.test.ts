import { describe, expect, it } from 'vitest';
import { renderNotification } from './render';
import { parseRoutingConfig } from './routing';
import { notificationTargets, notifyJobId, planDeliveries } from './targets';
import { dashboardUrl, sampleFinding, samplePayload } from './test-fixtures';

const routing = parseRoutingConfig({
  route: { receiver: 'all' },
  receivers: [
    {
      name: 'all',
      slack_configs: [
        { webhook_url: 'https://hooks.slack.com/services/A', send_resolved: false },
        { webhook_url: 'https://hooks.slack.com/services/B' },
      ],
      pagerduty_configs: [{ routing_key: 'k' }],
      webhook_configs: [{ url: 'https://hooks.example.com/x', send_resolved: false }],
      alertmanager_configs: [{ url: 'http://alertmanager:9093/' }],
    },
  ],
});
const all = routing.receivers.get('all')!;
const names = (kind: 'trigger' | 'resolve' | 'acknowledge') =>
  notificationTargets(all, kind).map((t) => `${t.integration}-${t.index}`);

describe('notification targets', () => {
  it('sends triggers everywhere, resolves where send_resolved (always to Alertmanager), acks where it means something', () => {
    expect(names('trigger')).toEqual(['slack-0', 'slack-1', 'pagerduty-0', 'webhook-0', 'alertmanager-0']);
    expect(names('resolve')).toEqual(['slack-1', 'pagerduty-0', 'alertmanager-0']);
    expect(names('acknowledge')).toEqual(['slack-0', 'slack-1', 'pagerduty-0', 'webhook-0']);
  });

  it('plans one deterministic job per integration', () => {
    const planned = planDeliveries(routing, {
      finding: sampleFinding(),
      kind: 'resolve',
      transitionSeq: 4,
      at: '2025-11-26T13:00:00.000Z',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
    expect(planned.map((p) => p.jobId)).toEqual([
      'notify:all:3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e:resolve:4:slack-1',
      'notify:all:3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e:resolve:4:pagerduty-0',
      'notify:all:3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e:resolve:4:alertmanager-0',
    ]);
    expect(planned[0]!.payload).toMatchObject({
      receiver: 'all',
      integration: 'slack',
      integrationIndex: 1,
      kind: 'resolve',
      transitionSeq: 4,
      traceparent: expect.any(String),
    });
    expect(planned[0]!.route).toEqual({
      path: 'route',
      groupWaitMs: 30_000,
      groupIntervalMs: 300_000,
      repeatIntervalMs: 14_400_000,
    });
    expect(notifyJobId({ ...planned[0]!.payload, fingerprint: 'fp' })).toBe(
      'notify:all:fp:resolve:4:slack-1',
    );
  });
});

describe('renderNotification', () => {
  const ctx = { dashboardUrl, jobId: 'j' };
  it('posts Alertmanager alerts to <url>/api/v2/alerts', async () => {
    const n = await renderNotification(
      samplePayload({ receiver: 'all', integration: 'alertmanager' }),
      all,
      ctx,
    );
    expect(n?.url).toBe('http://alertmanager:9093/api/v2/alerts');
    expect(JSON.parse(n!.body)).toHaveLength(1);
  });

  it('skips a kind the integration no longer takes, and fails on an integration that no longer exists', async () => {
    expect(
      await renderNotification(
        samplePayload({ receiver: 'all', kind: 'resolve', integration: 'slack', integrationIndex: 0 }),
        all,
        ctx,
      ),
    ).toBeUndefined();
    await expect(
      renderNotification(
        samplePayload({ receiver: 'all', integration: 'pagerduty', integrationIndex: 3 }),
        all,
        ctx,
      ),
    ).rejects.toMatchObject({
      retry: false,
      message: 'receiver "all" has no pagerduty_configs[3]',
    });
  });

  it('retries when a secret file cannot be read, naming the file but not the secret', async () => {
    const r = parseRoutingConfig({
      route: { receiver: 'a' },
      receivers: [{ name: 'a', slack_configs: [{ webhook_url_file: '/nonexistent/ztv/slack-url' }] }],
    });
    await expect(
      renderNotification(samplePayload({ receiver: 'a' }), r.receivers.get('a')!, ctx),
    ).rejects.toMatchObject({
      retry: true,
      message: 'cannot read webhook_url from /nonexistent/ztv/slack-url: ENOENT',
    });
  });
});
