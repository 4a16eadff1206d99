import { describe, expect, it } from 'vitest';
import { slackWebhookMessage } from '../testing/receivers';
import { slackGroupMessage, type GroupedNotice } from './slack-group';
import { dashboardUrl, sampleFinding } from './test-fixtures';

const notice = (i: number, over: Partial<GroupedNotice> = {}): GroupedNotice => ({
  kind: 'trigger',
  repeat: 0,
  at: '2025-11-26T12:05:00.000Z',
  finding: sampleFinding({ id: `fnd_${i}`, fingerprint: `fp${i}`, title: `Finding ${i} <b>|x</b>` }),
  ...over,
});
const texts = (m: ReturnType<typeof slackGroupMessage>) =>
  m.blocks.map((b) => ('text' in b && b.text ? b.text.text : ''));

describe('slackGroupMessage', () => {
  it('lists what fired, still fires, resolved and was acknowledged, each finding with its link', () => {
    const m = slackGroupMessage(
      {
        labels: { namespace: 'prod' },
        members: [
          notice(1),
          notice(2),
          notice(3, { kind: 'resolve' }),
          notice(4, { repeat: 2 }),
          notice(5, { kind: 'acknowledge', actor: 'alice' }),
        ],
      },
      { channel: '#sec' },
      { dashboardUrl },
    );
    expect(slackWebhookMessage.safeParse(m).success).toBe(true);
    expect(texts(m)[0]).toBe(
      ':large_orange_circle: 2 firing, 1 still firing, 1 resolved, 1 acknowledged · namespace=prod',
    );
    expect(m.text).toBe('ztv: 2 firing, 1 still firing, 1 resolved, 1 acknowledged (namespace=prod)');
    expect(texts(m).filter((t) => t.startsWith('*'))).toEqual([
      '*Firing (2)*',
      '*Still firing (1)*',
      '*Resolved (1)*',
      '*Acknowledged (1)*',
    ]);
    const line = texts(m).find((t) => t.includes('fnd_1'))!;
    // The title is escaped and cannot end the link early.
    expect(line).toContain('*<https://ztv.example.com/#/findings/fnd_1|Finding 1 &lt;b&gt;¦x&lt;/b&gt;>*');
    expect(texts(m).find((t) => t.includes('fnd_4'))).toMatch(/open for 2h 5m$/);
    expect(texts(m).find((t) => t.includes('fnd_5'))).toMatch(/by alice$/);
    expect(m.blocks.at(-1)).toMatchObject({
      type: 'actions',
      elements: [{ url: 'https://ztv.example.com/#/findings?namespace=prod' }],
    });
    expect(m.channel).toBe('#sec');
  });

  it('stays within 50 blocks: the rest is counted, with a link to the dashboard filtered by the group', () => {
    const members = [
      ...Array.from({ length: 60 }, (_, i) => notice(i)),
      ...Array.from({ length: 5 }, (_, i) => notice(100 + i, { kind: 'resolve' })),
    ];
    const m = slackGroupMessage(
      { labels: { namespace: 'prod', severity: 'high' }, members },
      {},
      { dashboardUrl },
    );
    expect(m.blocks).toHaveLength(50);
    expect(slackWebhookMessage.safeParse(m).success).toBe(true);
    const shown = texts(m).filter((t) => t.includes('/findings/fnd_')).length;
    const more = texts(m).find((t) => t.startsWith('… and'))!;
    expect(more).toBe(
      `… and ${65 - shown} more (${60 - shown} firing, 5 resolved): <https://ztv.example.com/#/findings?namespace=prod&amp;severity=high|see them all in ztv>`,
    );
    expect(texts(m)[0]).toBe(':large_orange_circle: 60 firing, 5 resolved · namespace=prod, severity=high');
  });

  it('marks a flush of resolutions only as such', () => {
    const m = slackGroupMessage(
      { labels: {}, members: [notice(1, { kind: 'resolve' })] },
      {},
      { dashboardUrl },
    );
    expect(texts(m)[0]).toBe(':white_check_mark: 1 resolved');
    expect(m.blocks.at(-1)).toMatchObject({ elements: [{ url: 'https://ztv.example.com/#/findings' }] });
  });
});
