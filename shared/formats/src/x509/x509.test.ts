import { describe, expect, it } from 'vitest';
import { parseText } from '../engine/parse-text';
import { ctx, expectWellFormed, local, ofType, parseLocal } from '../test-support/fixtures';
import { parseSubjectAltName } from './certificate';

const CHAIN = 'spiffe/go-spiffe-x509svid/good-leaf-and-intermediate.pem';

describe('pem: certificates and bundles (go-spiffe testdata)', () => {
  it('reads an X.509-SVID leaf and its intermediate', () => {
    const r = parseLocal(CHAIN, { node: 'worker-4' });
    expectWellFormed(r, CHAIN);
    expect(r.format).toBe('pem');
    const [leaf, intermediate] = ofType(r.events, 'cert');
    expect(leaf?.data).toEqual({
      fingerprintSha256: '0e5832cef5f585434975fe8b5dafc875922f449ffdb94cf61d8c9599d286a692',
      serialNumber: '9e1363cf3700a4335b8804cf14cfe5e9',
      subject: 'C=US, O=SPIRE',
      issuer: 'C=US, O=SPIFFE',
      notBefore: '2020-03-24T14:07:30.000Z',
      notAfter: '2020-03-24T15:07:40.000Z',
      isCA: false,
      role: 'workload',
      spiffeIds: ['spiffe://example.org/workload-1'],
      dnsNames: [],
      origin: { kind: 'pem', path: CHAIN, node: 'worker-4' },
    });
    expect(leaf?.id).toBe('0e5832cef5f585434975fe8b5dafc875922f449ffdb94cf61d8c9599d286a692@2020-03-24T14:07:30.000Z..2020-03-24T15:07:40.000Z');
    expect(intermediate?.data).toMatchObject({ isCA: true, role: 'ca', spiffeIds: ['spiffe://example.org'], notAfter: '2020-03-25T14:05:13.000Z' });
  });
  it('reports the CA flag as written: a leaf with CA:TRUE but no keyCertSign is a CA', () => {
    const [cert] = ofType(parseLocal('spiffe/go-spiffe-x509svid/wrong-leaf-ca-true.pem').events, 'cert');
    expect(cert?.data).toMatchObject({ isCA: true, spiffeIds: ['spiffe://example.org/workload-1'] });
  });
  it('reads a bundle of two certificates', () => {
    const r = parseLocal('spiffe/go-spiffe-x509bundle/certs.pem');
    expect(ofType(r.events, 'cert').map((c) => c.data.subject)).toEqual(['CN=PEMUTILTEST1', 'CN=PEMUTILTEST2']);
  });
  it('turns corrupt certificates into errors at their BEGIN line', () => {
    const corrupt = parseLocal('spiffe/go-spiffe-x509svid/corrupt-cert.pem');
    expect(corrupt.events).toEqual([]);
    expect(corrupt.errors[0]).toMatchObject({ line: 1, format: 'pem', reason: 'not a DER certificate (no outer SEQUENCE)' });
    // OpenSSL would accept it; the DER is followed by a duplicated base64 line.
    const trailing = parseLocal('spiffe/go-spiffe-x509bundle/corrupted.pem');
    expect(trailing.errors[0]?.reason).toBe('corrupt certificate: 48 stray bytes after it');
    const second = parseText(`${local(CHAIN)}\n-----BEGIN CERTIFICATE-----\nQ09SUlVQVA==\n-----END CERTIFICATE-----\n`, ctx({ format: 'pem' }));
    expect(second.events).toHaveLength(2);
    expect(second.errors[0]?.line).toBe(local(CHAIN).split('\n').length + 1);
  });
  it('skips private keys unread and never echoes them', () => {
    const key = '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEINOTAREALKEYNOTAREALKEYNOTAREALKEY\n-----END EC PRIVATE KEY-----\n';
    const r = parseText(`${key}${local(CHAIN)}`, ctx({ format: 'pem' }));
    expect(r.events).toHaveLength(2);
    expect(r.skipped).toBe(1);
    const unterminated = parseText(`${local(CHAIN)}${key.split('\n').slice(0, 2).join('\n')}`, ctx({ format: 'pem' }));
    expect(unterminated.errors[0]?.reason).toBe('PEM block EC PRIVATE KEY has no END line');
    expect(JSON.stringify(unterminated)).not.toContain('NOTAREALKEY');
  });
  it('refuses input with no certificate', () => {
    expect(parseText('', ctx({ format: 'pem', file: 'empty.pem' })).errors[0]).toMatchObject({ line: 1, reason: 'no PEM certificate in the input' });
  });
  it('parses node:crypto SAN strings, quoted values included', () => {
    expect(parseSubjectAltName('URI:spiffe://td/a, DNS:x.example, URI:"spiffe://td/with, comma"')).toEqual([
      { type: 'URI', value: 'spiffe://td/a' },
      { type: 'DNS', value: 'x.example' },
      { type: 'URI', value: 'spiffe://td/with, comma' },
    ]);
  });
});

describe('spiffe-bundle: SPIFFE trust bundle (JWKS)', () => {
  it('reads the x509-svid authority as a bundle certificate and skips JWT keys', () => {
    const r = parseLocal('spiffe/go-spiffe-spiffebundle/spiffebundle_valid_1.json');
    expect(r.format).toBe('spiffe-bundle');
    expect(r.skipped).toBe(1);
    const [c] = ofType(r.events, 'cert');
    expect(c?.data).toMatchObject({ role: 'bundle', isCA: true, subject: 'C=US, O=SPIFFE', spiffeIds: ['spiffe://local'], notAfter: '2023-05-12T19:33:47.000Z' });
  });
  it('refuses an x509-svid key with more than one certificate', () => {
    const r = parseLocal('spiffe/go-spiffe-spiffebundle/spiffebundle_multiple_x509.json');
    expect(r.events).toEqual([]);
    expect(r.errors[0]).toMatchObject({ line: 1, reason: 'keys[0]: x509-svid key must hold exactly one x5c certificate, has 2' });
  });
});
