import { describe, expect, it } from 'vitest';
import { findingFingerprint, sha256Hex, signalIdOf } from './signal';

/*
 * Fingerprints and signal ids are stored (findings, notifications, PagerDuty dedup_key) and compared across versions:
 * they must never change. Known answers, computed with createHash('sha256') before sha256Hex moved to crypto.hash.
 */
describe('fingerprints and signal ids', () => {
  it('sha256Hex is SHA-256 of the UTF-8 bytes (FIPS 180-2 test vector, a non-ASCII string, bytes)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('ns/é')).toBe('5dc29890cc2182a75fc5cda9e99af2f5482f0b0737e5c80fe33e2acc68f72407');
    expect(sha256Hex(new TextEncoder().encode('abc'))).toBe(sha256Hex('abc'));
  });

  it('keeps the fingerprint and signal id of a finding stable', () => {
    const fp = findingFingerprint('flow-plaintext', 'prod', { cluster: 'prod', namespace: 'shop', kind: 'Deployment', name: 'cart' });
    expect(fp).toBe('3842240ccc78d6bdd4240e358e890df4');
    // The subject's cluster and serviceAccount are not part of it (the cluster is given apart; the SA is in spiffeId).
    expect(findingFingerprint('flow-plaintext', 'prod', { namespace: 'shop', kind: 'Deployment', name: 'cart', serviceAccount: 'x' })).toBe(fp);
    expect(signalIdOf('flow-plaintext', 'abc', 'hubble/1', 'firing')).toBe('7ee2ea3df3133c569a5fc2a53921db54d7fc9794');
  });
});
