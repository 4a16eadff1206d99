import { describe, expect, it } from 'vitest';
import type { CertData } from '@ztv/events';
import { defaultRulesConfig } from '../config';
import { event, resourceEvent } from '../testing';
import { certSlice, identityKeyOf } from './certs';

const config = defaultRulesConfig();
const leaf = (notBefore: string, origin: CertData['origin'], spiffeIds = ['spiffe://cluster.local/ns/shop/sa/cart']): CertData => ({
  notBefore,
  notAfter: new Date(Date.parse(notBefore) + 86400_000).toISOString(),
  isCA: false,
  role: 'workload',
  spiffeIds,
  dnsNames: [],
  origin,
});
const observe = (s: ReturnType<typeof certSlice.init>, d: CertData, time: string, id?: string) =>
  certSlice.apply(s, event('cert', d, { time, ...(id ? { id } : {}) }), config);
const pod = { kind: 'envoy-certs' as const, namespace: 'shop', pod: 'cart-0' };

describe('certSlice', () => {
  it('keys identities by SPIFFE ID, else origin; CAs by trust domain, subject or fingerprint', () => {
    expect(identityKeyOf(leaf('2026-03-14T00:00:00Z', pod))).toBe('spiffe://cluster.local/ns/shop/sa/cart');
    expect(identityKeyOf(leaf('2026-03-14T00:00:00Z', { kind: 'secret', namespace: 'web', name: 'shop-tls' }, []))).toBe('origin:secret:web/shop-tls');
    expect(identityKeyOf({ ...leaf('2026-03-14T00:00:00Z', pod, []), role: 'bundle', subject: 'O=cluster.local' })).toBe('ca:O=cluster.local');
  });

  it('keeps the latest observation per origin; a late, older observation does not replace it', () => {
    const s = certSlice.init();
    observe(s, leaf('2026-03-14T00:00:00Z', pod), '2026-03-14T06:00:00Z');
    observe(s, leaf('2026-03-13T00:00:00Z', pod), '2026-03-14T05:00:00Z');
    const id = s.identities.get('spiffe://cluster.local/ns/shop/sa/cart');
    expect([...(id?.inUse.values() ?? [])].map((r) => r.data.notBefore)).toEqual(['2026-03-14T00:00:00Z']);
    expect(id?.newest.data.notBefore).toBe('2026-03-14T00:00:00Z');
    expect(s.shortestSvidTtlSeconds).toBe(86400);
  });

  it('forgets certificates when their Pod, Secret or ServiceAccount is deleted, and says which identities changed', () => {
    const s = certSlice.init();
    observe(s, leaf('2026-03-14T00:00:00Z', pod), '2026-03-14T06:00:00Z');
    observe(s, leaf('2026-03-14T00:00:00Z', { kind: 'spire', node: 'worker-4' }), '2026-03-14T06:00:00Z');
    observe(s, leaf('2026-03-14T00:00:00Z', { kind: 'secret', namespace: 'web', name: 'shop-tls', path: 'tls.crt' }, []), '2026-03-14T06:00:00Z');
    const del = (kind: string, namespace: string, name: string) => {
      const e = resourceEvent({ apiVersion: 'v1', kind, metadata: { name, namespace } }, 'delete');
      certSlice.apply(s, e, config);
      return s.touched.eventId === e.id ? s.touched.identities : [];
    };
    expect(del('Pod', 'shop', 'cart-0')).toEqual(['spiffe://cluster.local/ns/shop/sa/cart']);
    expect(s.identities.get('spiffe://cluster.local/ns/shop/sa/cart')?.inUse.size).toBe(1);
    expect(del('Secret', 'web', 'shop-tls')).toEqual(['origin:secret:web/shop-tls']);
    expect(del('ServiceAccount', 'shop', 'cart')).toEqual(['spiffe://cluster.local/ns/shop/sa/cart']);
    expect(s.identities.size).toBe(0);
    expect(del('ConfigMap', 'shop', 'unrelated')).toEqual([]);
  });

  it('finds what a Pod or Node delete takes away without looking at other identities, in the order identities appeared', () => {
    const s = certSlice.init();
    const at = (ns: string, name: string) => ({ kind: 'envoy-certs' as const, namespace: ns, pod: name, node: 'worker-1' });
    const id = (sa: string) => `spiffe://cluster.local/ns/shop/sa/${sa}`;
    observe(s, { ...leaf('2026-03-14T00:00:00Z', at('shop', 'b-0')), spiffeIds: [id('b')] }, '2026-03-14T06:00:00Z');
    observe(s, { ...leaf('2026-03-14T00:00:00Z', at('shop', 'shared-0')), spiffeIds: [id('a')] }, '2026-03-14T06:00:00Z');
    observe(s, { ...leaf('2026-03-14T00:00:00Z', at('shop', 'shared-0')), spiffeIds: [id('b')] }, '2026-03-14T06:00:00Z');
    observe(s, leaf('2026-03-14T00:00:00Z', { kind: 'spire', node: 'worker-4' }), '2026-03-14T06:00:00Z');
    const del = (kind: string, name: string, namespace?: string) => {
      const e = resourceEvent({ apiVersion: 'v1', kind, metadata: { name, ...(namespace ? { namespace } : {}) } }, 'delete');
      certSlice.apply(s, e, config);
      return s.touched.eventId === e.id ? s.touched.identities : [];
    };
    // b was seen first, so it comes first, whatever order the pod's certificates arrived in.
    expect(del('Pod', 'shared-0', 'shop')).toEqual([id('b'), id('a')]);
    expect(s.identities.has(id('a'))).toBe(false);
    expect(s.identities.get(id('b'))?.inUse.size).toBe(1);
    expect(del('Pod', 'shared-0', 'shop')).toEqual([]); // gone already
    expect(del('Pod', 'b-0', 'other')).toEqual([]); // same name, another namespace
    expect(del('Node', 'worker-1')).toEqual([]); // only pod-less origins belong to the node
    expect(del('Node', 'worker-4')).toEqual(['spiffe://cluster.local/ns/shop/sa/cart']);
  });
});
