import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoMillis } from './iso-time';

describe('isoMillis', () => {
  it('reads the collectors’ UTC times as Date.parse does', () => {
    for (const s of ['2026-03-14T09:01:00.044Z', '2026-03-14T09:01:00Z', '1970-01-01T00:00:00.000Z', '2099-12-31T23:59:59.999Z', '2024-02-29T12:00:00Z', '2000-02-29T00:00:00Z']) {
      expect(isoMillis(s)).toBe(Date.parse(s));
    }
    expect(isoMillis('2026-03-14T09:01:00.044Z')).toBe(Date.UTC(2026, 2, 14, 9, 1, 0, 44));
  });

  it('leaves every other shape and every edge to Date.parse', () => {
    const others = [
      '2026-02-30T00:00:00Z', // rolls over to March in V8
      '2026-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2026-04-31T12:00:00.000Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T23:60:00Z',
      '2026-13-01T00:00:00Z',
      '2026-01-00T00:00:00Z',
      '0050-01-01T00:00:00Z',
      '2026-01-01T00:00:00.1Z',
      '2026-01-01T00:00:00.1234Z',
      '2026-01-01T00:00:00+02:00',
      '2026-01-01t00:00:00z',
      '2026-01-01 00:00:00Z',
      '2026-0a-01T00:00:00Z',
      '2026-01-01T00:00:00,123Z',
      'Sat, 14 Mar 2026 09:01:00 GMT',
      '',
      'not a time',
    ];
    for (const s of others) expect(Object.is(isoMillis(s), Date.parse(s)), s).toBe(true);
  });

  it('agrees with Date.parse on any instant written by toISOString, with or without its fraction', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), fc.boolean(), (d, fraction) => {
        const iso = d.toISOString();
        const s = fraction ? iso : `${iso.slice(0, 19)}Z`;
        expect(isoMillis(s)).toBe(Date.parse(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with Date.parse when one or two characters of that shape are changed', () => {
    const ch = fc.constantFrom(...'0123456789-:TZ.x+ '.split(''));
    const edit = fc.record({ at: fc.nat(23), c: ch });
    fc.assert(
      fc.property(fc.boolean(), edit, fc.option(edit), (long, one, two) => {
        const chars = (long ? '2026-07-15T10:20:30.456Z' : '2026-07-15T10:20:30Z').split('');
        for (const e of two ? [one, two] : [one]) chars[e.at % chars.length] = e.c;
        const s = chars.join('');
        expect(Object.is(isoMillis(s), Date.parse(s)), s).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });
});
