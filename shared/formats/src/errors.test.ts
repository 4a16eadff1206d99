import { describe, expect, it } from 'vitest';
import { FormatError, redactSnippet } from './errors';

describe('FormatError', () => {
  it('names file, line and reason, and is never retried', () => {
    const e = new FormatError({ file: 'a.log', line: 3, offset: 120, format: 'hubble', reason: 'invalid JSON', snippet: '{"flow":' });
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe('a.log:3: hubble: invalid JSON');
    expect(e).toMatchObject({ name: 'FormatError', retry: false, file: 'a.log', line: 3, offset: 120, snippet: '{"flow":' });
    expect(JSON.parse(JSON.stringify(e))).toMatchObject({ message: e.message, line: 3, reason: 'invalid JSON' });
  });
  it('is placed and prefixed without losing what it knew', () => {
    const e = new FormatError({ reason: 'bad', format: 'pem' });
    expect(e.at({ line: 7, offset: 9 })).toMatchObject({ line: 7, offset: 9, reason: 'bad' });
    expect(e.at({ line: 7, offset: 9 }).at({ line: 1, offset: 0 }).line).toBe(7);
    expect(e.within('items[2]').reason).toBe('items[2]: bad');
  });
});

describe('redactSnippet', () => {
  it('cuts private keys, tls.key values, Secret data and long base64', () => {
    expect(redactSnippet('x -----BEGIN RSA PRIVATE KEY-----\nMIIE')).toBe('x [redacted]');
    expect(redactSnippet('"tls.key":"S0VZ","tls.crt":"Q0VSVA=="')).toBe('"tls.key":[redacted],"tls.crt":"Q0VSVA=="');
    expect(redactSnippet('  tls.key: S0VZ')).toBe('  tls.key: [redacted]');
    expect(redactSnippet('{"data":{"password":"aHVudGVyMg=="}}')).toBe('{"data":{[redacted]}}');
    expect(redactSnippet(`v: ${'A'.repeat(150)}`)).toBe('v: [base64 elided]');
  });
  it('truncates to a few hundred characters', () => {
    expect(redactSnippet('x'.repeat(10_000)).length).toBeLessThanOrEqual(241);
  });
});
