import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { slackMessage } from './slack';
import { dashboardUrl, sampleFinding, samplePayload } from './test-fixtures';

// Block Kit, as documented for messages: ≤ 50 blocks; header plain_text ≤ 150; section text ≤ 3000, fields ≤ 10 of
// ≤ 2000; context ≤ 10 elements; actions ≤ 25 elements; button text ≤ 75, url ≤ 3000, action_id ≤ 255.
const plain = (max: number) =>
  z.strictObject({
    type: z.literal('plain_text'),
    text: z.string().min(1).max(max),
    emoji: z.boolean().optional(),
  });
const mrkdwn = (max: number) =>
  z.strictObject({
    type: z.literal('mrkdwn'),
    text: z.string().min(1).max(max),
    verbatim: z.boolean().optional(),
  });
const button = z.strictObject({
  type: z.literal('button'),
  text: plain(75),
  action_id: z.string().max(255).optional(),
  url: z.url().max(3000).optional(),
  value: z.string().max(2000).optional(),
  style: z.enum(['primary', 'danger']).optional(),
});
const block = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('header'), text: plain(150), block_id: z.string().max(255).optional() }),
  z
    .strictObject({
      type: z.literal('section'),
      text: z.union([plain(3000), mrkdwn(3000)]).optional(),
      fields: z.array(mrkdwn(2000)).min(1).max(10).optional(),
    })
    .refine((s) => s.text || s.fields, 'a section needs text or fields'),
  z.strictObject({
    type: z.literal('context'),
    elements: z
      .array(z.union([plain(3000), mrkdwn(3000)]))
      .min(1)
      .max(10),
  }),
  z.strictObject({ type: z.literal('actions'), elements: z.array(button).min(1).max(25) }),
  z.strictObject({ type: z.literal('divider') }),
]);
const incomingWebhookMessage = z.strictObject({
  text: z.string().min(1).max(40_000),
  blocks: z.array(block).min(1).max(50),
  channel: z.string().optional(),
});

const ctx = { dashboardUrl };
const texts = (m: { blocks: unknown[] }) => JSON.stringify(m.blocks);

describe('Slack Block Kit message', () => {
  it('has a header with the severity emoji, the key fields, evidence, a link to the finding and context', () => {
    const m = incomingWebhookMessage.parse(slackMessage(samplePayload(), {}, ctx));
    expect(m.blocks.map((b) => b.type)).toEqual([
      'header',
      'section',
      'section',
      'section',
      'actions',
      'context',
    ]);
    expect(m.blocks[0]).toMatchObject({
      text: { text: ':large_orange_circle: Namespace has no default-deny NetworkPolicy' },
    });
    const fields = (m.blocks[2] as { fields: { text: string }[] }).fields.map((f) => f.text);
    expect(fields).toEqual([
      '*Severity*\nhigh',
      '*Rule*\n`netpol-default-deny-missing`',
      '*Cluster*\nprod-eu1',
      '*Subject*\nNamespace prod',
    ]);
    expect(texts(m)).toContain('• policies: 3');
    expect(texts(m)).toContain('• denies: {\\"ingress\\":false,\\"egress\\":false}');
    expect(m.blocks[4]).toMatchObject({
      elements: [{ url: 'https://ztv.example.com/#/findings/fnd_01jdx8f3k2m4n5p6q7r8s9t0vw', style: 'danger' }],
    });
    expect(m.text).toBe('[HIGH] Namespace has no default-deny NetworkPolicy — Namespace prod (prod-eu1)');
    expect(m.channel).toBeUndefined();
  });

  it('stays within Block Kit limits for long titles, messages and evidence, and escapes mrkdwn', () => {
    const long = sampleFinding({
      title: 'T'.repeat(400),
      message: `<@here> & ${'m'.repeat(5000)}`,
      severity: 'critical',
      subject: { namespace: 'prod', kind: 'Deployment', name: 'api' },
      evidence: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`key${i}`, 'v'.repeat(900)])),
    });
    const m = incomingWebhookMessage.parse(
      slackMessage(samplePayload({ finding: long }), { channel: '#sec' }, ctx),
    );
    expect((m.blocks[0] as { text: { text: string } }).text.text).toMatch(/^:red_circle: T+…$/);
    expect(texts(m)).toContain('&lt;@here&gt; &amp; m');
    expect(texts(m)).not.toContain('<@here>');
    expect(texts(m)).toContain('… and 24 more');
    expect(texts(m)).toContain('Deployment prod/api');
    expect(m.channel).toBe('#sec');
  });

  it('sends a resolve follow-up and an acknowledge follow-up', () => {
    const resolved = incomingWebhookMessage.parse(slackMessage(samplePayload({ kind: 'resolve' }), {}, ctx));
    expect(resolved.blocks[0]).toMatchObject({
      text: { text: ':white_check_mark: Resolved: Namespace has no default-deny NetworkPolicy' },
    });
    expect(texts(resolved)).toContain('Resolved after 2h 5m.');
    expect(resolved.text).toBe(
      'Resolved: Namespace has no default-deny NetworkPolicy — Namespace prod (prod-eu1)',
    );
    const acked = incomingWebhookMessage.parse(
      slackMessage(samplePayload({ kind: 'acknowledge', actor: 'alice' }), {}, ctx),
    );
    expect(texts(acked)).toContain('Acknowledged by alice.');
    expect(JSON.stringify(acked.blocks)).not.toContain('danger');
  });

  it('says a repeat is still firing, and for how long', () => {
    const m = incomingWebhookMessage.parse(slackMessage(samplePayload({ repeat: 2 }), {}, ctx));
    expect(m.blocks[0]).toMatchObject({
      text: { text: ':repeat: Still firing: Namespace has no default-deny NetworkPolicy' },
    });
    expect(texts(m)).toContain('Still open after 2h 5m.');
    expect(m.text).toBe(
      '[HIGH] Still firing: Namespace has no default-deny NetworkPolicy — Namespace prod (prod-eu1)',
    );
  });
});
