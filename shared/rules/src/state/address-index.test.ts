import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AddressIndex, ipv4Key } from './address-index';

describe('ipv4Key', () => {
  it('reads canonical dotted quads and nothing else', () => {
    expect(ipv4Key('10.64.12.34')).toBe(((10 * 256 + 64) * 256 + 12) * 256 + 34);
    expect(ipv4Key('0.0.0.0')).toBe(0);
    expect(ipv4Key('255.255.255.255')).toBe(2 ** 32 - 1);
    expect(ipv4Key('169.254.169.254')).toBe(0xa9fea9fe);
    for (const s of [
      '10.064.12.34',
      '010.0.0.1',
      '10.0.0.00',
      '256.0.0.1',
      '10.0.0',
      '10.0.0.1.2',
      '10..0.1',
      '.10.0.0',
      '10.0.0.',
      'fd00::1',
      '::ffff:10.0.0.1',
      ' 10.0.0.1',
      '10.0.0.1 ',
      '1e1.0.0.1',
      '10.0.0.1000',
      '',
    ])
      expect(ipv4Key(s), s).toBe(-1);
  });

  it('is the inverse of printing an address', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        const k = ipv4Key(ip);
        expect([k >>> 24, (k >>> 16) & 255, (k >>> 8) & 255, k & 255].join('.')).toBe(ip);
      }),
    );
  });
});

describe('AddressIndex', () => {
  // Few distinct addresses (so sets, deletes and gets meet), in every spelling the index tells apart.
  const address = fc.oneof(
    fc.constantFrom(
      '10.0.0.1',
      '10.0.0.2',
      '10.0.1.1',
      '10.00.0.1',
      '010.0.0.1',
      'fd00::1',
      'fd00::2',
      '0.0.0.0',
      '255.255.255.255',
    ),
    fc
      .tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 40 }))
      .map(([a, b]) => `10.244.${a}.${b}`),
  );
  const op = fc.oneof(
    fc.tuple(fc.constant('set' as const), address, fc.integer()),
    fc.tuple(fc.constant('delete' as const), address, fc.constant(0)),
    fc.tuple(fc.constant('get' as const), address, fc.constant(0)),
  );

  it('answers as a Map by address string does, through any sequence of sets and deletes (growing and shifting)', () => {
    fc.assert(
      fc.property(fc.array(op, { minLength: 100, maxLength: 600 }), (ops) => {
        // A table of 4 slots at first: it grows, and collides and wraps around, all the time.
        const index = new AddressIndex<number>(2);
        const model = new Map<string, number>();
        for (const [what, ip, value] of ops) {
          if (what === 'set') {
            index.set(ip, value);
            model.set(ip, value);
          } else if (what === 'delete') {
            index.delete(ip);
            model.delete(ip);
          } else expect(index.get(ip)).toBe(model.get(ip));
        }
        for (const [ip, value] of model) expect(index.get(ip)).toBe(value);
        expect(index.size).toBe(model.size);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps 20,000 addresses, then finds each of the rest after half are deleted', () => {
    const index = new AddressIndex<string>();
    // Random (xorshift32), so they collide in the table; distinct, as the counts below assume.
    let x = 2463534242;
    const ips = [
      ...new Set(
        Array.from({ length: 20_100 }, () => {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          const k = x >>> 0;
          return `${k >>> 24}.${(k >>> 16) & 255}.${(k >>> 8) & 255}.${k & 255}`;
        }),
      ),
    ].slice(0, 20_000);
    for (const ip of ips) index.set(ip, ip);
    expect(index.size).toBe(20_000);
    ips.forEach((ip, i) => i % 2 && index.delete(ip));
    expect(index.size).toBe(10_000);
    ips.forEach((ip, i) => expect(index.get(ip)).toBe(i % 2 ? undefined : ip));
  });
});
