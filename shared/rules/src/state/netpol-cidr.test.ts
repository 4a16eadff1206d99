import { describe, expect, it } from 'vitest';
import { cidrContains, cidrWithin, isWholeSpace, parseCidr, parseIp } from './netpol-cidr';

const c = (s: string) => {
  const parsed = parseCidr(s);
  if (!parsed) throw new Error(`bad CIDR ${s}`);
  return parsed;
};

describe('netpol-cidr', () => {
  it('parses IPv4 and IPv6 addresses, including compressed and v4-embedded forms', () => {
    expect(parseIp('169.254.169.254')).toEqual({ family: 4, value: 0xa9fea9fen });
    expect(parseIp('fd00:ec2::254')?.value).toBe(0xfd000ec2000000000000000000000254n);
    expect(parseIp('::1')?.value).toBe(1n);
    expect(parseIp('::')?.value).toBe(0n);
    expect(parseIp('::ffff:169.254.169.254')?.value).toBe(0xffffa9fea9fen);
    expect(parseIp('2001:db8:0:0:0:0:0:1')?.value).toBe(parseIp('2001:db8::1')?.value);
    for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4.5', 'a.b.c.d', '1::2::3', '12345::', 'fd00:ec2:::254', '1:2:3:4:5:6:7:8:9', '']) {
      expect(parseIp(bad), bad).toBeUndefined();
    }
  });

  it('parses CIDRs, clears host bits and rejects bad prefixes', () => {
    expect(parseCidr('10.1.2.3/8')).toEqual({ family: 4, base: 0x0a000000n, prefix: 8 });
    expect(parseCidr('169.254.169.254')).toMatchObject({ prefix: 32 });
    expect(parseCidr('fd00:ec2::254')).toMatchObject({ family: 6, prefix: 128 });
    for (const bad of ['10.0.0.0/33', '::/129', '10.0.0.0/-1', '10.0.0.0/8/1', '10.0.0.0/x']) expect(parseCidr(bad), bad).toBeUndefined();
  });

  it('contains the metadata addresses in the blocks that hold them, and only those', () => {
    expect(cidrContains(c('0.0.0.0/0'), '169.254.169.254')).toBe(true);
    expect(cidrContains(c('169.254.0.0/16'), '169.254.169.254')).toBe(true);
    expect(cidrContains(c('169.254.169.254/32'), '169.254.169.254')).toBe(true);
    expect(cidrContains(c('169.254.169.0/25'), '169.254.169.254')).toBe(false);
    expect(cidrContains(c('10.0.0.0/8'), '169.254.169.254')).toBe(false);
    expect(cidrContains(c('128.0.0.0/1'), '169.254.169.254')).toBe(true);
    expect(cidrContains(c('100.64.0.0/10'), '100.100.100.200')).toBe(true);
    expect(cidrContains(c('::/0'), 'fd00:ec2::254')).toBe(true);
    expect(cidrContains(c('fd00::/8'), 'fd00:ec2::254')).toBe(true);
    expect(cidrContains(c('fc00::/8'), 'fd00:ec2::254')).toBe(false);
    // Families never mix: 0.0.0.0/0 does not hold an IPv6 address, nor ::/0 an IPv4 one.
    expect(cidrContains(c('0.0.0.0/0'), 'fd00:ec2::254')).toBe(false);
    expect(cidrContains(c('::/0'), '169.254.169.254')).toBe(false);
  });

  it('tells whether one block lies inside another', () => {
    expect(cidrWithin(c('169.254.169.254/32'), c('169.254.0.0/16'))).toBe(true);
    expect(cidrWithin(c('169.254.0.0/16'), c('169.254.169.254/32'))).toBe(false);
    expect(cidrWithin(c('10.0.0.0/8'), c('10.0.0.0/8'))).toBe(true);
    expect(cidrWithin(c('fd00:ec2::/32'), c('fd00::/8'))).toBe(true);
    expect(isWholeSpace(c('0.0.0.0/0'))).toBe(true);
    expect(isWholeSpace(c('::/0'))).toBe(true);
    expect(isWholeSpace(c('0.0.0.0/1'))).toBe(false);
  });
});
