import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { severities } from '@ztv/events';
import { pagerDutyEvent } from './pagerduty';
import { dashboardUrl, sampleFinding, samplePayload } from './test-fixtures';

// Events API v2 (POST https://events.pagerduty.com/v2/enqueue): dedup_key ≤ 255, summary ≤ 1024, severity one of
// critical|error|warning|info; acknowledge / resolve carry routing_key, event_action and dedup_key only.
const routingKey = z.string().length(32);
const trigger = z.strictObject({
  routing_key: routingKey,
  event_action: z.literal('trigger'),
  dedup_key: z.string().min(1).max(255),
  payload: z.strictObject({
    summary: z.string().min(1).max(1024),
    source: z.string().min(1),
    severity: z.enum(['critical', 'error', 'warning', 'info']),
    timestamp: z.iso.datetime({ offset: true }).optional(),
    component: z.string().optional(),
    group: z.string().optional(),
    class: z.string().optional(),
    custom_details: z.record(z.string(), z.unknown()).optional(),
  }),
  links: z.array(z.strictObject({ href: z.url(), text: z.string().optional() })).optional(),
  images: z
    .array(z.strictObject({ src: z.url(), href: z.url().optional(), alt: z.string().optional() }))
    .optional(),
  client: z.string().optional(),
  client_url: z.url().optional(),
});
const followUp = z.strictObject({
  routing_key: routingKey,
  event_action: z.enum(['acknowledge', 'resolve']),
  dedup_key: z.string().min(1).max(255),
});

const key = 'R0UT1NGKEYR0UT1NGKEYR0UT1NGKEY00';
const ctx = { dashboardUrl };

describe('PagerDuty Events API v2 event', () => {
  it('triggers with dedup_key = fingerprint, a summary, links and details', () => {
    const e = trigger.parse(pagerDutyEvent(samplePayload({ integration: 'pagerduty' }), key, ctx));
    expect(e.dedup_key).toBe('3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e');
    expect(e.payload).toMatchObject({
      summary: '[high] Namespace has no default-deny NetworkPolicy: Namespace prod (prod-eu1)',
      source: 'prod-eu1/prod',
      severity: 'error',
      timestamp: '2025-11-26T12:05:00.000Z',
      component: 'Namespace prod',
      group: 'prod',
      class: 'netpol-default-deny-missing',
    });
    expect(e.payload.custom_details).toMatchObject({
      rule: 'netpol-default-deny-missing',
      evidence: { policies: 3 },
      finding_id: 'fnd_01jdx8f3k2m4n5p6q7r8s9t0vw',
    });
    expect(e.links).toEqual([
      {
        href: 'https://ztv.example.com/#/findings/fnd_01jdx8f3k2m4n5p6q7r8s9t0vw',
        text: 'Open finding in ztv',
      },
    ]);
    expect(e).toMatchObject({ client: 'ztv', client_url: dashboardUrl });
  });

  it('maps every ztv severity', () => {
    const mapped = severities.map((severity) => {
      const e = trigger.parse(
        pagerDutyEvent(samplePayload({ finding: sampleFinding({ severity }) }), key, ctx),
      );
      return [severity, e.payload.severity];
    });
    expect(Object.fromEntries(mapped)).toEqual({
      critical: 'critical',
      high: 'error',
      medium: 'warning',
      low: 'info',
      info: 'info',
    });
  });

  it('keeps the summary within 1024 characters and summarises huge evidence', () => {
    const f = sampleFinding({
      title: 'x'.repeat(2000),
      evidence: { blob: 'y'.repeat(40_000) },
      subject: { node: 'worker-1' },
    });
    const e = trigger.parse(pagerDutyEvent(samplePayload({ finding: f }), key, ctx));
    expect(e.payload.summary).toHaveLength(1024);
    expect(e.payload.source).toBe('worker-1');
    expect(JSON.stringify(e).length).toBeLessThan(20_000);
  });

  it('resolves and acknowledges with routing_key, event_action and dedup_key only', () => {
    expect(followUp.parse(pagerDutyEvent(samplePayload({ kind: 'resolve' }), key, ctx))).toEqual({
      routing_key: key,
      event_action: 'resolve',
      dedup_key: '3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e',
    });
    expect(
      followUp.parse(pagerDutyEvent(samplePayload({ kind: 'acknowledge' }), key, ctx)).event_action,
    ).toBe('acknowledge');
  });
});
