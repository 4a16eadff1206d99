import { describe, expect, it } from 'vitest';
import { isPinned, parseImageRef, registryAllowed } from './image-ref';
import { imageUnverified } from './image-unverified';
import { deployment, edited, hardenedContainer, harness, PINNED } from './test-manifests';

const rule = imageUnverified;
const DIGEST = 'sha256:3f1d3c9ec0e8b4a7f0f2a8d1c5a3e7b9d2c4f6a8b0c2d4e6f8a0b2c4d6e8f0a1';

describe('parseImageRef', () => {
  it.each([
    ['nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['nginx:1.27', { registry: 'docker.io', repository: 'library/nginx', tag: '1.27' }],
    ['bitnami/redis:7.2', { registry: 'docker.io', repository: 'bitnami/redis', tag: '7.2' }],
    ['index.docker.io/library/nginx', { registry: 'docker.io', repository: 'library/nginx' }],
    ['localhost/app', { registry: 'localhost', repository: 'app' }],
    ['localhost:5000/team/app:dev', { registry: 'localhost:5000', repository: 'team/app', tag: 'dev' }],
    ['registry.k8s.io/ingress-nginx/controller:v1.10.0@' + DIGEST, { registry: 'registry.k8s.io', repository: 'ingress-nginx/controller', tag: 'v1.10.0', digest: DIGEST }],
    ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/cart@' + DIGEST, { registry: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', repository: 'cart', digest: DIGEST }],
  ])('%s', (image, expected) => expect(parseImageRef(image)).toEqual(expected));

  it('refuses references a runtime would refuse', () => {
    for (const bad of ['', 'Nginx', 'nginx:', 'nginx@sha256:abc', 'ghcr.io/', 'a//b']) expect(parseImageRef(bad)).toBeUndefined();
  });

  it('counts only full sha256 / sha512 digests as pinning', () => {
    expect(isPinned(parseImageRef(`nginx@${DIGEST}`)!)).toBe(true);
    expect(isPinned(parseImageRef('nginx:1.27')!)).toBe(false);
  });

  it('matches allow-list entries by registry or registry/repository prefix', () => {
    const ref = (s: string) => parseImageRef(s)!;
    expect(registryAllowed(ref('nginx'), ['docker.io'])).toBe(true);
    expect(registryAllowed(ref('nginx'), ['index.docker.io'])).toBe(true);
    expect(registryAllowed(ref('ghcr.io/acme/cart'), ['ghcr.io/acme'])).toBe(true);
    expect(registryAllowed(ref('ghcr.io/acme-evil/cart'), ['ghcr.io/acme'])).toBe(false);
    expect(registryAllowed(ref('eu.foo.io/busybox'), ['eu.foo.io/*'])).toBe(true);
    expect(registryAllowed(ref('registry.k8s.io/nginx'), ['eu.foo.io', 'bar.io'])).toBe(false);
  });
});

describe('image-unverified', () => {
  it('fires for images not pinned by digest, says the signature was not checked, and resolves once pinned', () => {
    const h = harness(rule);
    const bad = deployment('cart', 'shop', {
      initContainers: [hardenedContainer('migrate', 'ghcr.io/acme/cart-migrate:1.4.2')],
      containers: [hardenedContainer('cart', PINNED), hardenedContainer('proxy', 'envoyproxy/envoy:v1.31-latest')],
    });
    const [fired] = h.apply(bad);
    expect(fired).toMatchObject({
      transition: 'firing',
      subject: { namespace: 'shop', kind: 'Deployment', name: 'cart' },
      evidence: {
        images: [
          { container: 'migrate', type: 'initContainer', image: 'ghcr.io/acme/cart-migrate:1.4.2', registry: 'ghcr.io', problems: ['not pinned by digest'] },
          { container: 'proxy', type: 'container', image: 'envoyproxy/envoy:v1.31-latest', registry: 'docker.io', problems: ['not pinned by digest'] },
        ],
        requireImageDigest: true,
        signature: 'not checked: no imageVerifier configured',
      },
    });
    expect(fired?.message).toBe('Deployment shop/cart runs 2 images not pinned by digest: ghcr.io/acme/cart-migrate:1.4.2, envoyproxy/envoy:v1.31-latest');
    const pinned = edited(bad, (d) => {
      d.spec.template.spec.initContainers[0].image = `ghcr.io/acme/cart-migrate:1.4.2@${DIGEST}`;
      d.spec.template.spec.containers[1].image = `envoyproxy/envoy@${DIGEST}`;
    });
    expect(h.apply(pinned)).toMatchObject([{ transition: 'resolved', fingerprint: fired?.fingerprint }]);
  });

  it('fires for registries outside a non-empty allow-list, even when pinned', () => {
    const h = harness(rule, { allowedRegistries: ['ghcr.io/acme', 'registry.k8s.io'] });
    expect(h.apply(deployment('cart', 'shop'))).toEqual([]);
    const dockerHub = deployment('cache', 'shop', { containers: [hardenedContainer('redis', `redis@${DIGEST}`)] });
    expect(h.apply(dockerHub)).toMatchObject([{ message: `Deployment shop/cache runs an image registry docker.io not allowed: redis@${DIGEST}` }]);
  });

  it('checks registries only when digests are not required', () => {
    const h = harness(rule, { requireImageDigest: false });
    expect(h.apply(deployment('web', 'shop', { containers: [hardenedContainer('nginx', 'nginx:1.27')] }))).toEqual([]);
  });

  it('reports an invalid reference', () => {
    const h = harness(rule);
    expect(h.apply(deployment('web', 'shop', { containers: [hardenedContainer('web', 'Nginx:Latest')] }))[0]?.evidence).toMatchObject({
      images: [{ image: 'Nginx:Latest', problems: ['not a valid image reference'] }],
    });
  });

  it('is suppressed by ztv.io/ignore with a reason, and not without one', () => {
    const h = harness(rule);
    const web = (name: string, annotations: Record<string, string>) => deployment(name, 'shop', { containers: [hardenedContainer('nginx', 'nginx:1.27')] }, { annotations });
    expect(h.apply(web('web', { 'ztv.io/ignore': 'image-unverified', 'ztv.io/ignore-reason': 'vendor chart, pinned upstream' }))[0]?.suppressedBy).toBe(
      'annotation: vendor chart, pinned upstream',
    );
    expect(h.apply(web('web2', { 'ztv.io/ignore': 'image-unverified', 'ztv.io/ignore-reason': '  ' }))[0]?.suppressedBy).toBeUndefined();
  });
});
