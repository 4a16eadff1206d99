import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { CertData, Signal } from '@ztv/events';
import { defaultRulesConfig, type RulesConfig } from '../../config';
import { RuleEngine, type EngineResult } from '../../engine/engine';
import type { Rule } from '../../engine/types';
import { resourceEvent } from '../../testing';
import { certTtlTooLong } from './cert-ttl-too-long';
import { spiffeIdInvalid } from './spiffe-id-invalid';
import { trustBundleExpiring } from './trust-bundle-expiring';
import { certEvent, certOfX509, fixtures, istioCert, pemCerts } from './test-certs';

function engine(rule: Rule, now: string, config: RulesConfig = defaultRulesConfig()) {
  return new RuleEngine({ rules: [rule], config, cluster: 'test', clock: () => new Date(now) });
}
const firing = (r: EngineResult): Signal[] => r.signals.filter((s) => s.transition === 'firing');
const resolved = (r: EngineResult): Signal[] => r.signals.filter((s) => s.transition === 'resolved');

describe('cert-ttl-too-long', () => {
  const pemOrigin = { kind: 'pem' as const, node: 'worker-2', path: '/run/spire/svid.pem' };

  it('fires for a 5-year SVID (go-spiffe good-leaf-only.pem) and resolves when a 1h SVID replaces it', () => {
    const e = engine(certTtlTooLong, '2024-01-01T00:00:00Z');
    const [leaf] = pemCerts('spiffe/go-spiffe-x509svid/good-leaf-only.pem');
    const [s] = firing(e.process(certEvent(certOfX509(leaf!, pemOrigin), '2024-01-01T00:00:00Z')));
    expect(s?.subject.spiffeId).toBe('spiffe://example.org/workload-1');
    expect(s?.message).toMatch(/valid for 1825d/);
    expect(s?.evidence).toMatchObject({ maxSvidTtlSeconds: 86400, lifetimeSeconds: 1825 * 86400 });

    const short: CertData = { ...certOfX509(leaf!, pemOrigin), notBefore: '2024-01-01T00:00:00Z', notAfter: '2024-01-01T01:00:00Z', fingerprintSha256: undefined };
    expect(resolved(e.process(certEvent(short, '2024-01-01T00:01:00Z')))).toHaveLength(1);
  });

  it('leaves certificates that are not workload identities alone', () => {
    const e = engine(certTtlTooLong, '2023-10-01T00:00:00Z');
    // A DNS-only 5-year leaf (go-spiffe wrong-leaf-empty-id.pem): a server cert, not an SVID.
    const [dnsLeaf] = pemCerts('spiffe/go-spiffe-x509svid/wrong-leaf-empty-id.pem');
    expect(firing(e.process(certEvent(certOfX509(dnsLeaf!, pemOrigin), '2023-10-01T00:00:00Z')))).toHaveLength(0);
    // cert-manager's 90-day webhook certificate (nebula-operator fixture, status.notBefore/notAfter).
    const docs = readFileSync(resolve(fixtures, 'cert-manager/nebula-operator-issuer-and-certificate-with-status.yaml'), 'utf8').split(/^---$/m);
    const cert = parse(docs[1] as string) as { metadata: { name: string; namespace: string }; spec: { dnsNames: string[] }; status: { notBefore: string; notAfter: string } };
    const data: CertData = {
      notBefore: cert.status.notBefore,
      notAfter: cert.status.notAfter,
      isCA: false,
      role: 'workload',
      spiffeIds: [],
      dnsNames: cert.spec.dnsNames,
      origin: { kind: 'cert-manager', namespace: cert.metadata.namespace, name: cert.metadata.name },
    };
    expect(firing(e.process(certEvent(data, '2023-10-01T00:00:00Z')))).toHaveLength(0);
    // Istio's default 24h is within the limit.
    const istio = istioCert({ ns: 'bookinfo', sa: 'reviews', pod: 'reviews-v1-0', notBefore: '2023-09-30T12:00:00Z' });
    expect(firing(e.process(certEvent(istio, '2023-10-01T00:00:00Z')))).toHaveLength(0);
  });
});

describe('trust-bundle-expiring', () => {
  const bundleOrigin = { kind: 'configmap' as const, namespace: 'istio-system', name: 'istio-ca-root-cert' };
  const root = (notBefore: string, notAfter: string): CertData => ({
    serialNumber: notBefore,
    subject: 'O=cluster.local',
    issuer: 'O=cluster.local',
    notBefore,
    notAfter,
    isCA: true,
    role: 'bundle',
    spiffeIds: [],
    dnsNames: [],
    origin: bundleOrigin,
  });

  it('fires for a root with 20 days left and resolves when its successor joins the bundle', () => {
    const e = engine(trustBundleExpiring, '2026-03-14T00:00:00Z');
    const [s] = firing(e.process(certEvent(root('2016-04-03T00:00:00Z', '2026-04-03T00:00:00Z'), '2026-03-14T00:00:00Z')));
    expect(s?.subject).toEqual({ cluster: 'test', origin: 'ca:O=cluster.local' });
    expect(s?.message).toMatch(/expires in 20d 0h/);
    expect(s?.severity).toBe('high');
    // The old root is still listed beside the new one during rotation: the successor covers it, in either order.
    const r = e.process(certEvent(root('2026-03-01T00:00:00Z', '2036-03-01T00:00:00Z'), '2026-03-14T00:01:00Z'));
    expect(resolved(r)).toHaveLength(1);
    expect(firing(e.process(certEvent(root('2016-04-03T00:00:00Z', '2026-04-03T00:00:00Z'), '2026-03-14T00:02:00Z')))).toHaveLength(0);
  });

  it('is critical once expired; a CA with a year left is fine', () => {
    const e = engine(trustBundleExpiring, '2026-03-14T00:00:00Z');
    expect(firing(e.process(certEvent(root('2016-03-01T00:00:00Z', '2026-03-01T00:00:00Z'), '2026-03-14T00:00:00Z')))[0]?.severity).toBe('critical');
    const other = { ...root('2025-03-01T00:00:00Z', '2027-03-01T00:00:00Z'), subject: 'O=other' };
    expect(firing(e.process(certEvent(other, '2026-03-14T00:00:00Z')))).toHaveLength(0);
  });

  it('reads the SPIRE intermediate of a real chain (24h CA) by its trust-domain SPIFFE ID', () => {
    const [, intermediate] = pemCerts('spiffe/go-spiffe-x509svid/good-leaf-and-intermediate.pem');
    const e = engine(trustBundleExpiring, '2020-03-24T15:00:00Z');
    const data = certOfX509(intermediate!, { kind: 'envoy-certs', namespace: 'shop', pod: 'front-0' });
    expect(data.role).toBe('ca');
    expect(firing(e.process(certEvent(data, '2020-03-24T15:00:00Z')))[0]?.subject.spiffeId).toBe('spiffe://example.org');
  });
});

describe('spiffe-id-invalid', () => {
  const cert = (ids: string[]): CertData => ({ ...istioCert({ ns: 'bookinfo', sa: 'ratings', pod: 'ratings-v1-0', notBefore: '2026-03-14T08:00:00Z' }), spiffeIds: ids });

  it('fires for an uppercase trust domain and resolves when a well-formed cert replaces it', () => {
    const e = engine(spiffeIdInvalid, '2026-03-14T09:00:00Z');
    const [s] = firing(e.process(certEvent(cert(['spiffe://Cluster.local/ns/bookinfo/sa/ratings']), '2026-03-14T09:00:00Z')));
    expect(s?.message).toMatch(/uppercase/);
    expect(s?.subject.spiffeId).toBe('spiffe://Cluster.local/ns/bookinfo/sa/ratings');
    const e2 = engine(spiffeIdInvalid, '2026-03-14T09:00:00Z');
    e2.process(certEvent(cert(['spiffe://cluster.local/ns/bookinfo/sa/ratings', 'spiffe://cluster.local/ns/bookinfo/sa/admin']), '2026-03-14T09:00:00Z'));
    expect(resolved(e2.process(certEvent(cert(['spiffe://cluster.local/ns/bookinfo/sa/ratings']), '2026-03-14T09:01:00Z')))).toHaveLength(1);
  });

  it('fires for a foreign trust domain unless it is configured (federation)', () => {
    const foreign = cert(['spiffe://howto-k8s-mtls-sds-based.com/front']);
    const [s] = firing(engine(spiffeIdInvalid, '2026-03-14T09:00:00Z').process(certEvent(foreign, '2026-03-14T09:00:00Z')));
    expect(s?.message).toMatch(/trust domain "howto-k8s-mtls-sds-based.com" is not one of cluster.local/);
    const federated = engine(spiffeIdInvalid, '2026-03-14T09:00:00Z', defaultRulesConfig({ trustDomains: ['cluster.local', 'howto-k8s-mtls-sds-based.com'] }));
    expect(firing(federated.process(certEvent(foreign, '2026-03-14T09:00:00Z')))).toHaveLength(0);
  });

  it('is quiet for a well-formed ID and suppressed by a reasoned annotation on the ServiceAccount', () => {
    const e = engine(spiffeIdInvalid, '2026-03-14T09:00:00Z');
    expect(firing(e.process(certEvent(cert(['spiffe://cluster.local/ns/bookinfo/sa/ratings']), '2026-03-14T09:00:00Z')))).toHaveLength(0);
    e.process(resourceEvent({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'legacy', namespace: 'bookinfo', annotations: { 'ztv.io/ignore': 'spiffe-id-invalid', 'ztv.io/ignore-reason': 'migrating trust domain' } },
    }));
    const [s] = firing(e.process(certEvent(cert(['spiffe://old.example/ns/bookinfo/sa/legacy']), '2026-03-14T09:00:00Z')));
    expect(s?.suppressedBy).toBe('annotation: migrating trust domain');
  });
});
