import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isKubeIdentity, kubeIdentityOf, parseSpiffeId } from './spiffe-id';

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
    // 1,043 UTF-16 units but 2,063 bytes of UTF-8: the limit is in bytes.
    [`spiffe://cluster.local/${'ä'.repeat(1020)}`, /2048 bytes/],
    ['spiffe://cluster.local/ns/a/sa/b_c-d.e~f', /character "~"/],
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

describe('kubeIdentityOf', () => {
  // The reading it must equal: <trust-domain>/ns/<ns>/sa/<sa>, with or without the spiffe:// scheme.
  const pattern = /^(?:spiffe:\/\/)?([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/;
  const byPattern = (p: string) => {
    const m = pattern.exec(p);
    return m ? { trustDomain: m[1], namespace: m[2], serviceAccount: m[3] } : undefined;
  };

  it('reads <trust-domain>/ns/<ns>/sa/<sa> exactly as the pattern does', () => {
    const part = fc.string({ unit: fc.constantFrom('a', '/', 's', 'n', ':', 'p', 'i', 'f', 'e', '\n', '-'), maxLength: 8 });
    const near = fc
      .tuple(fc.constantFrom('', 'spiffe://', 'spiffe:/', 'spiffe:', 'spiffe:///'), part, fc.constantFrom('/ns/', '/n/', 'ns/', '/ns', '//ns/'), part, fc.constantFrom('/sa/', '/s/', 'sa/', '/sa'), part)
      .map((xs) => xs.join(''));
    fc.assert(
      fc.property(fc.oneof(near, fc.string()), (p) => {
        expect(kubeIdentityOf(p)).toEqual(byPattern(p));
      }),
      { numRuns: 20_000 },
    );
    expect(kubeIdentityOf('spiffe://cluster.local/ns/shop/sa/cart')).toEqual({ trustDomain: 'cluster.local', namespace: 'shop', serviceAccount: 'cart' });
    expect(kubeIdentityOf('cluster.local/ns/shop/sa/cart')?.namespace).toBe('shop');
    expect(kubeIdentityOf('spiffe://cluster.local/ns/shop/sa/cart/x')).toBeUndefined();
  });
});

describe('isKubeIdentity', () => {
  it('says yes exactly when kubeIdentityOf names that namespace and ServiceAccount', () => {
    const unit = fc.constantFrom('a', '/', 's', 'n', ':', 'p', 'i', 'f', 'e', '-');
    const part = fc.string({ unit, maxLength: 6 });
    const near = fc
      .tuple(fc.constantFrom('', 'spiffe://', 'spiffe:/', 'spiffe:///', '/'), part, fc.constantFrom('/ns/', '/n/', 'ns/', '//ns/'), part, fc.constantFrom('/sa/', '/s/', 'sa/', '/sa'), part)
      .map((xs) => xs.join(''));
    const pick = fc.oneof(part, fc.constantFrom('a', 'sa', 'ns', ''));
    fc.assert(
      fc.property(fc.oneof(near, fc.string()), pick, pick, (p, ns, sa) => {
        const id = kubeIdentityOf(p);
        // Also asked with the principal's own parts, so the "yes" side is exercised as much as the "no".
        for (const [n, s] of [[ns, sa], [id?.namespace ?? ns, id?.serviceAccount ?? sa]] as const) {
          expect(isKubeIdentity(p, n, s)).toBe(!!id && id.namespace === n && id.serviceAccount === s);
        }
      }),
      { numRuns: 20_000 },
    );
    expect(isKubeIdentity('spiffe://cluster.local/ns/shop/sa/cart', 'shop', 'cart')).toBe(true);
    expect(isKubeIdentity('cluster.local/ns/shop/sa/cart', 'shop', 'cart')).toBe(true);
    expect(isKubeIdentity('spiffe://cluster.local/ns/shop/sa/cart', 'shop', 'art')).toBe(false);
    expect(isKubeIdentity('spiffe://x/y/ns/shop/sa/cart', 'shop', 'cart')).toBe(false);
    expect(isKubeIdentity('spiffe:///ns/shop/sa/cart', 'shop', 'cart')).toBe(false);
  });
});
