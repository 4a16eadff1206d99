import { describe, expect, it } from 'vitest';
import type { Signal } from '@ztv/events';
import { defaultRulesConfig } from '../../config';
import { RuleEngine, type EngineResult } from '../../engine/engine';
import { resourceEvent } from '../../testing';
import { certExpired } from './cert-expired';
import { certExpiring } from './cert-expiring';
import { certNotYetValid } from './cert-not-yet-valid';
import { certRotationStalled } from './cert-rotation-stalled';
import { certEvent, certOfX509, istioCert, pemCerts } from './test-certs';

const rules = [certExpired, certNotYetValid, certExpiring, certRotationStalled];

function setup(start: string) {
  let now = new Date(start);
  const engine = new RuleEngine({ rules, config: defaultRulesConfig(), cluster: 'test', clock: () => now });
  return {
    engine,
    setNow: (iso: string) => (now = new Date(iso)),
    tick: (id: string) => engine.evaluateAll({ id, type: 'tick', time: now.toISOString() }, true),
  };
}

const signals = (r: EngineResult, ruleId: string, transition: Signal['transition'] = 'firing') =>
  r.signals.filter((s) => s.ruleId === ruleId && s.transition === transition);

const productpage = { ns: 'bookinfo', sa: 'bookinfo-productpage', pod: 'productpage-v1-6b746f74dc-7xk2p' };
const spiffeId = 'spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage';

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: productpage.pod, namespace: 'bookinfo', labels: { app: 'productpage', version: 'v1' } },
  spec: { serviceAccountName: 'bookinfo-productpage', containers: [{ name: 'productpage', image: 'docker.io/istio/examples-bookinfo-productpage-v1:1.20.2' }] },
};

describe('cert-expiring / cert-rotation-stalled', () => {
  it('fires for a 24h Istio cert with 1h left, and resolves when the rotated cert is seen', () => {
    const t = setup('2026-03-14T09:00:00Z');
    const old = istioCert({ ...productpage, notBefore: '2026-03-13T10:00:00Z' });
    const r1 = t.engine.process(certEvent(old, '2026-03-14T09:00:00Z'));
    const [expiring] = signals(r1, 'cert-expiring');
    expect(expiring?.subject).toMatchObject({ spiffeId, namespace: 'bookinfo', serviceAccount: 'bookinfo-productpage' });
    expect(expiring?.message).toMatch(/expires in 1h 0m/);
    expect(expiring?.evidence).toMatchObject({ windowSeconds: 0.2 * 86400, certificateCount: 1 });
    expect((expiring?.evidence.certificates as { pod: string }[])[0]?.pod).toBe(productpage.pod);
    const [stalled] = signals(r1, 'cert-rotation-stalled');
    expect(stalled?.evidence).toMatchObject({ rotateAt: '2026-03-14T00:24:00.000Z', lifetimeUsedFraction: 0.958 });
    expect(signals(r1, 'cert-expired')).toHaveLength(0);

    // A repeat observation of the same cert changes nothing.
    expect(t.engine.process(certEvent(old, '2026-03-14T09:01:00Z')).signals).toHaveLength(0);

    const fresh = istioCert({ ...productpage, notBefore: '2026-03-14T09:05:00Z' });
    t.setNow('2026-03-14T09:06:00Z');
    const r2 = t.engine.process(certEvent(fresh, '2026-03-14T09:06:00Z'));
    expect(signals(r2, 'cert-expiring', 'resolved')).toHaveLength(1);
    expect(signals(r2, 'cert-rotation-stalled', 'resolved')).toHaveLength(1);
    expect(r2.signals.filter((s) => s.transition === 'firing')).toHaveLength(0);
  });

  it('does not call rotation stalled when a newer cert for the identity was issued elsewhere (SPIRE)', () => {
    const t = setup('2026-03-14T02:00:00Z');
    const r0 = t.engine.process(certEvent(istioCert({ ...productpage, notBefore: '2026-03-13T10:00:00Z' }), '2026-03-14T02:00:00Z'));
    expect(signals(r0, 'cert-rotation-stalled')).toHaveLength(1);
    const issued = { ...istioCert({ ...productpage, notBefore: '2026-03-14T01:00:00Z' }), origin: { kind: 'spire' as const, node: 'worker-4' } };
    const r = t.engine.process(certEvent(issued, '2026-03-14T02:00:00Z'));
    expect(signals(r, 'cert-rotation-stalled', 'resolved')).toHaveLength(1);
  });

  it('leaves cert-manager certificates (renewed at 2/3 of their life) to cert-expiring', () => {
    const t = setup('2023-11-16T00:00:00Z');
    // nebula-operator's webhook Certificate: 90 days from 2023-09-20, at day 57 (63%) with 33 days left.
    const webhook = {
      notBefore: '2023-09-20T18:03:06Z',
      notAfter: '2023-12-19T18:03:06Z',
      isCA: false,
      role: 'workload' as const,
      spiffeIds: [],
      dnsNames: ['nebula-operator-webhook-service.default.svc'],
      origin: { kind: 'cert-manager' as const, namespace: 'default', name: 'nebula-operator-webhook-cert' },
    };
    expect(t.engine.process(certEvent(webhook, '2023-11-16T00:00:00Z')).signals).toHaveLength(0);
    t.setNow('2023-12-19T00:00:00Z');
    const [s] = t.tick('tick-cm').signals;
    expect(s?.ruleId).toBe('cert-expiring');
    expect(s?.subject).toEqual({ cluster: 'test', origin: 'cert-manager:default/nebula-operator-webhook-cert', namespace: 'default' });
  });

  it('a healthy cert early in its life fires nothing', () => {
    const t = setup('2026-03-14T09:00:00Z');
    const r = t.engine.process(certEvent(istioCert({ ...productpage, notBefore: '2026-03-14T08:00:00Z' }), '2026-03-14T09:00:00Z'));
    expect(r.signals).toHaveLength(0);
  });

  it('reads a real SPIRE SVID (go-spiffe fixture, 1h lifetime): stalled at 72% but not yet in the expiry window', () => {
    const [leaf] = pemCerts('spiffe/go-spiffe-x509svid/good-leaf-and-intermediate.pem');
    const data = certOfX509(leaf!, { kind: 'pem', node: 'worker-2', path: '/run/spire/svid.pem' });
    const t = setup('2020-03-24T14:51:00Z');
    const r = t.engine.process(certEvent(data, '2020-03-24T14:51:00Z'));
    expect(signals(r, 'cert-rotation-stalled')[0]?.subject).toEqual({ cluster: 'test', spiffeId: 'spiffe://example.org/workload-1' });
    expect(signals(r, 'cert-expiring')).toHaveLength(0);
    t.setNow('2020-03-24T14:57:00Z');
    expect(signals(t.tick('tick-1'), 'cert-expiring')).toHaveLength(1);
  });
});

describe('cert-expired', () => {
  it('fires on a tick once notAfter passes, and resolves when the pod is deleted', () => {
    const t = setup('2026-03-14T09:00:00Z');
    t.engine.process(resourceEvent(pod));
    t.engine.process(certEvent(istioCert({ ...productpage, notBefore: '2026-03-13T10:00:00Z' }), '2026-03-14T09:00:00Z'));
    t.setNow('2026-03-14T10:30:00Z');
    const r = t.tick('tick-2');
    const [expired] = signals(r, 'cert-expired');
    expect(expired?.severity).toBe('critical');
    expect(expired?.message).toMatch(/expired 30m ago/);
    expect(signals(r, 'cert-expiring', 'resolved')).toHaveLength(1);
    expect(t.tick('tick-3').signals.filter((s) => s.ruleId === 'cert-expired')).toHaveLength(0);

    const gone = t.engine.process(resourceEvent(pod, 'delete'));
    expect(signals(gone, 'cert-expired', 'resolved')).toHaveLength(1);
    expect(signals(gone, 'cert-rotation-stalled', 'resolved')).toHaveLength(1);
  });

  it('is suppressed by the ServiceAccount annotation only when a reason is given', () => {
    const sa = (annotations: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'bookinfo-productpage', namespace: 'bookinfo', annotations },
    });
    const expiredCert = istioCert({ ...productpage, notBefore: '2026-03-12T10:00:00Z' });
    const t = setup('2026-03-14T09:00:00Z');
    t.engine.process(resourceEvent(sa({ 'ztv.io/ignore': 'cert-expired', 'ztv.io/ignore-reason': 'decommissioned, INC-4411' })));
    expect(signals(t.engine.process(certEvent(expiredCert, '2026-03-14T09:00:00Z')), 'cert-expired')[0]?.suppressedBy).toMatch(/INC-4411/);

    const u = setup('2026-03-14T09:00:00Z');
    u.engine.process(resourceEvent(sa({ 'ztv.io/ignore': 'cert-expired' })));
    const [s] = signals(u.engine.process(certEvent(expiredCert, '2026-03-14T09:00:00Z')), 'cert-expired');
    expect(s).toBeDefined();
    expect(s?.suppressedBy).toBeUndefined();
  });
});

describe('cert-not-yet-valid', () => {
  it('fires when notBefore is ahead of the observer beyond maxClockOffsetSeconds, resolves once valid', () => {
    const t = setup('2026-03-14T09:00:00Z');
    const c = istioCert({ ...productpage, notBefore: '2026-03-14T09:00:30Z' });
    const [s] = signals(t.engine.process(certEvent(c, '2026-03-14T09:00:00Z', '2026-03-14T09:00:00Z')), 'cert-not-yet-valid');
    expect(s?.evidence).toMatchObject({ skewSeconds: 30, toleranceSeconds: 1 });
    t.setNow('2026-03-14T09:01:00Z');
    expect(signals(t.tick('tick-4'), 'cert-not-yet-valid', 'resolved')).toHaveLength(1);
  });

  it('tolerates sub-second skew between issuer and observer', () => {
    const t = setup('2026-03-14T09:00:00Z');
    const c = istioCert({ ...productpage, notBefore: '2026-03-14T09:00:00.500Z' });
    expect(t.engine.process(certEvent(c, '2026-03-14T09:00:00Z')).signals).toHaveLength(0);
  });
});
