/** IPv4 / IPv6 addresses and CIDR blocks as integers, for containment checks (ipBlock, toCIDR, allow-lists). */
export interface Cidr {
  family: 4 | 6;
  /** The network address (host bits cleared). */
  base: bigint;
  prefix: number;
}

const widths = { 4: 32, 6: 128 } as const;

function parseIpv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let v = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    v = (v << 8n) | BigInt(Number(p));
  }
  return v;
}

function parseIpv6(s: string): bigint | undefined {
  let text = s;
  let tail: bigint[] = [];
  // An embedded IPv4 address (::ffff:192.0.2.1) fills the last 32 bits.
  const v4 = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = parseIpv4(v4[2] as string);
    if (n === undefined) return undefined;
    tail = [n >> 16n, n & 0xffffn];
    text = (v4[1] as string).endsWith('::') ? (v4[1] as string) : (v4[1] as string).slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const group = (h: string) => (h === '' ? [] : h.split(':'));
  const head = group(halves[0] as string);
  const rest = halves.length === 2 ? group(halves[1] as string) : [];
  const explicit = head.length + rest.length + tail.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  const groups: bigint[] = [];
  for (const g of [...head, ...Array<string>(8 - explicit).fill('0'), ...rest]) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    groups.push(BigInt(parseInt(g, 16)));
  }
  return [...groups, ...tail].reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** An IP address as a family and a number; undefined when it is not one. */
export function parseIp(s: string): { family: 4 | 6; value: bigint } | undefined {
  const text = s.trim();
  if (text.includes(':')) {
    const value = parseIpv6(text);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(text);
  return value === undefined ? undefined : { family: 4, value };
}

/** `10.0.0.0/8`, `fd00:ec2::254/128`, or a bare address (a /32 or /128). Host bits are cleared. */
export function parseCidr(s: string): Cidr | undefined {
  const [addr = '', len, extra] = s.trim().split('/');
  if (extra !== undefined) return undefined;
  const ip = parseIp(addr);
  if (!ip) return undefined;
  const width = widths[ip.family];
  const prefix = len === undefined ? width : /^\d{1,3}$/.test(len) ? Number(len) : NaN;
  if (!(prefix >= 0 && prefix <= width)) return undefined;
  const hostBits = BigInt(width - prefix);
  return { family: ip.family, base: (ip.value >> hostBits) << hostBits, prefix };
}

/** True when `ip` (an address string) lies inside `cidr`. Different families never contain each other. */
export function cidrContains(cidr: Cidr, ip: string): boolean {
  const a = parseIp(ip);
  if (!a || a.family !== cidr.family) return false;
  const hostBits = BigInt(widths[cidr.family] - cidr.prefix);
  return a.value >> hostBits === cidr.base >> hostBits;
}

/** True when every address of `inner` lies inside `outer`. */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  if (inner.family !== outer.family || inner.prefix < outer.prefix) return false;
  const hostBits = BigInt(widths[outer.family] - outer.prefix);
  return inner.base >> hostBits === outer.base >> hostBits;
}

/** The whole address space of one family (0.0.0.0/0, ::/0). */
export function isWholeSpace(c: Cidr): boolean {
  return c.prefix === 0;
}
