import { describe, expect, it } from 'vitest';
import { parseText } from '../engine/parse-text';
import { parseEnvoyCerts } from './certs';
import { ctx, expectWellFormed, ofType, parseLocal } from '../test-support/fixtures';

const FRONT = 'envoy-istio/appmesh-sds-envoy-certs-front-spire.json';

describe('envoy-certs: admin /certs', () => {
  it('reads the SPIRE-issued SVID and the trust bundle, without fingerprints', () => {
    const r = parseLocal(FRONT, { namespace: 'howto-k8s-mtls-sds-based', pod: 'front-0' });
    expectWellFormed(r, FRONT);
    expect(r.format).toBe('envoy-certs');
    const [bundle, svid] = ofType(r.events, 'cert');
    expect(bundle?.data).toMatchObject({ role: 'bundle', isCA: true, serialNumber: '0', spiffeIds: ['spiffe://howto-k8s-mtls-sds-based.com'], notAfter: '2020-11-12T20:49:16Z' });
    expect(svid?.data).toEqual({
      serialNumber: '7b177c736290d0fe5527a7ccf0ecee4c',
      notBefore: '2020-11-11T23:19:45Z',
      notAfter: '2020-11-12T00:19:55Z',
      isCA: false,
      role: 'workload',
      spiffeIds: ['spiffe://howto-k8s-mtls-sds-based.com/front'],
      dnsNames: [],
      origin: { kind: 'envoy-certs', namespace: 'howto-k8s-mtls-sds-based', pod: 'front-0' },
    });
    expect(svid?.id).toBe('envoy-certs:7b177c736290d0fe5527a7ccf0ecee4c:spiffe://howto-k8s-mtls-sds-based.com/front@2020-11-11T23:19:45Z..2020-11-12T00:19:55Z');
    expect(svid?.time).toBe(svid?.observedAt);
  });
  it('reads a proxy with no certificate yet as nothing (not an error)', () => {
    const r = parseLocal('envoy-istio/appmesh-sds-envoy-certs-green-before-registration-empty.json');
    expect(r).toMatchObject({ format: 'envoy-certs', events: [], errors: [], skipped: 1 });
    expect(parseEnvoyCerts({ certificates: [] }, ctx())).toEqual([]);
  });
  it('names the entry that lacks an expiration_time', () => {
    const doc = { certificates: [{ ca_cert: [], cert_chain: [{ serial_number: '1', subject_alt_names: [] }] }] };
    const r = parseText(JSON.stringify(doc, null, 1), ctx({ file: 'certs.json' }));
    expect(r.errors[0]?.reason).toMatch(/^certificates\[0\]\.cert_chain\[0\]: certificate without a valid expiration_time/);
    expect(r.errors[0]?.line).toBe(1);
  });
});
