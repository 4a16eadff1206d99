import { describe, expect, it } from 'vitest';
import { kubeIdentityOf, parseSpiffeId } from './spiffe-id';

describe('parseSpiffeId (SPIFFE-ID.md §2, as go-spiffe reads it)', () => {
  it.each([
    ['spiffe://cluster.local/ns/bookinfo/sa/bookinfo-productpage', 'cluster.local'],
    ['spiffe://example.org', 'example.org'],
    ['spiffe://spiffe.cilium/identity/39239', 'spiffe.cilium'],
    ['spiffe://howto-k8s-mtls-sds-based.com/front', 'howto-k8s-mtls-sds-based.com'],
    ['spiffe://td_1.example/Path.With-Mixed_Case', 'td_1.example'],
  ])('accepts %s', (id, td) => {
    expect(parseSpiffeId(id)).toEqual({ ok: true, trustDomain: td, path: id.slice(`spiffe://${td}`.length) });
  });

  it.each([
    ['SPIFFE://cluster.local/ns/a/sa/b', /scheme/],
    ['https://cluster.local/ns/a/sa/b', /scheme/],
    ['spiffe:///ns/a/sa/b', /trust domain is missing/],
    ['spiffe://Cluster.local/ns/a/sa/b', /uppercase/],
    ['spiffe://user@cluster.local/ns/a', /userinfo/],
    ['spiffe://cluster.local:8443/ns/a', /port/],
    ['spiffe://cluster.local/ns/a?x=1', /query or fragment/],
    ['spiffe://cluster.local/ns/a#frag', /query or fragment/],
    ['spiffe://cluster.local/ns//sa/b', /empty segment/],
    ['spiffe://cluster.local/ns/a/', /empty segment/],
    ['spiffe://cluster.local/', /empty segment/],
    ['spiffe://cluster.local/ns/./sa', /"\." segment/],
    ['spiffe://cluster.local/ns/../sa', /"\.\." segment/],
    ['spiffe://cluster.local/ns/a%20b', /character "%"/],
    ['spiffe://cluster.local/ns/ä', /character/],
    [`spiffe://cluster.local/${'a'.repeat(2040)}`, /2048 bytes/],
  ])('rejects %s', (id, reason) => {
    const r = parseSpiffeId(id);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});

describe('kubeIdentityOf', () => {
  it('reads SPIFFE and Istio principal forms', () => {
    expect(kubeIdentityOf('spiffe://cluster.local/ns/bookinfo/sa/reviews')).toEqual({ trustDomain: 'cluster.local', namespace: 'bookinfo', serviceAccount: 'reviews' });
    expect(kubeIdentityOf('cluster.local/ns/bookinfo/sa/reviews')?.serviceAccount).toBe('reviews');
    expect(kubeIdentityOf('spiffe://spiffe.cilium/identity/39239')).toBeUndefined();
  });
});
