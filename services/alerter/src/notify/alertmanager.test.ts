import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { alertmanagerAlerts } from './alertmanager';
import { dashboardUrl, sampleFinding, samplePayload } from './test-fixtures';

// Alertmanager API v2 postableAlerts: [{ labels (required, Prometheus label names), annotations, startsAt, endsAt,
// generatorURL }].
const postableAlerts = z
  .array(
    z.strictObject({
      labels: z
        .record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string().min(1))
        .refine((l) => Object.keys(l).length > 0),
      annotations: z.record(z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/), z.string()).optional(),
      startsAt: z.iso.datetime({ offset: true }).optional(),
      endsAt: z.iso.datetime({ offset: true }).optional(),
      generatorURL: z.url().optional(),
    }),
  )
  .min(1);

const cfg = { ends_after: 24 * 3_600_000 };

describe('Alertmanager postable alerts', () => {
  it('fires with identifying labels and an endsAt that a repeat pushes out', () => {
    const [a] = postableAlerts.parse(
      alertmanagerAlerts(samplePayload({ integration: 'alertmanager' }), cfg, { dashboardUrl }),
    );
    expect(a!.labels).toEqual({
      alertname: 'netpol-default-deny-missing',
      severity: 'high',
      ruleId: 'netpol-default-deny-missing',
      area: 'network',
      cluster: 'prod-eu1',
      namespace: 'prod',
      fingerprint: '3f2a9c0d4e5b6a7c8d9e0f1a2b3c4d5e',
      source: 'ztv',
    });
    expect(a).toMatchObject({
      startsAt: '2025-11-26T10:00:00.000Z',
      endsAt: '2025-11-27T12:05:00.000Z',
      generatorURL: 'https://ztv.example.com/#/findings/fnd_01jdx8f3k2m4n5p6q7r8s9t0vw',
    });
    expect(a!.annotations).toMatchObject({
      summary: 'Namespace has no default-deny NetworkPolicy',
      subject: 'Namespace prod',
    });
  });

  it('resolves with the same labels and endsAt = the resolve time; omits empty labels', () => {
    const f = sampleFinding({ subject: { node: 'worker-1' } });
    const [a] = postableAlerts.parse(
      alertmanagerAlerts(samplePayload({ kind: 'resolve', finding: f }), cfg, { dashboardUrl }),
    );
    expect(a!.endsAt).toBe('2025-11-26T12:05:00.000Z');
    expect(a!.labels).not.toHaveProperty('namespace');
  });
});
