import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { findingCloudEvent } from './cloudevent';
import { dashboardUrl, samplePayload } from './test-fixtures';

// CloudEvents 1.0 structured JSON: required specversion, id, source (URI-reference), type; optional time (RFC 3339),
// subject, datacontenttype; extension attribute names are lower-case letters and digits (≤ 20 recommended).
const cloudEvent = z
  .object({
    specversion: z.literal('1.0'),
    id: z.string().min(1),
    source: z.string().min(1).regex(/^\S+$/),
    type: z.string().min(1),
    subject: z.string().min(1).optional(),
    time: z.iso.datetime({ offset: true }).optional(),
    datacontenttype: z.string().optional(),
    data: z.unknown(),
  })
  .catchall(z.string())
  .refine(
    (e) => Object.keys(e).every((k) => /^[a-z0-9]{1,20}$/.test(k)),
    'attribute names are lower-case alphanumerics',
  );

describe('CloudEvents webhook body', () => {
  it('is a structured CloudEvent whose id is the (deterministic) job id', () => {
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const e = cloudEvent.parse(
      findingCloudEvent(samplePayload({ integration: 'webhook', traceparent: tp }), {
        dashboardUrl,
        jobId: 'notify:oncall:fp:trigger:1:webhook-0',
      }),
    );
    expect(e).toMatchObject({
      id: 'notify:oncall:fp:trigger:1:webhook-0',
      source: '/ztv/prod-eu1/alerter',
      type: 'io.ztv.finding.firing.v1',
      subject: '3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e',
      time: '2025-11-26T12:05:00.000Z',
      datacontenttype: 'application/json',
      traceparent: tp,
    });
    expect(e.data).toMatchObject({
      kind: 'trigger',
      findingUrl: 'https://ztv.example.com/#/findings/fnd_01jdx8f3k2m4n5p6q7r8s9t0vw',
      finding: { ruleId: 'netpol-default-deny-missing' },
    });
  });

  it('has one type per transition', () => {
    const types = (['trigger', 'resolve', 'acknowledge'] as const).map(
      (kind) => findingCloudEvent(samplePayload({ kind }), { dashboardUrl, jobId: 'j' }).type,
    );
    expect(types).toEqual([
      'io.ztv.finding.firing.v1',
      'io.ztv.finding.resolved.v1',
      'io.ztv.finding.acknowledged.v1',
    ]);
  });
});
