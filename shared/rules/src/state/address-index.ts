/*
 * Values by IP address, for the lookup flow rules make for nearly every flow an inbound sidecar reports (it names its
 * client only by address). A Map keyed by the address string hashes every address a flow brings (a string fresh from
 * JSON.parse, its hash not yet computed) and compares it with a stored key in another part of the heap; on a state of
 * 20,000 Pods that lookup cost about 1 µs in the engine's event stream. So a canonical dotted-quad IPv4 address is
 * kept as a 32-bit key in an open-addressing table of typed arrays (linear probing; one compact block that stays in
 * cache, no string hashed or compared), and any other spelling — IPv6, or IPv4 with leading zeros — in a Map by its
 * string. An address is looked for where its spelling puts it, so keys are told apart exactly as by their strings.
 */

/**
 * A canonical dotted-quad IPv4 address (no leading zeros, each part ≤ 255) as an unsigned 32-bit number; -1 otherwise.
 * Stricter than netpol-cidr's parseIp, which reads "010.0.0.1" as 10.0.0.1 for containment: here one number must
 * stand for exactly one string, as the Map's keys did.
 */
export function ipv4Key(s: string): number {
  if (s.length < 7 || s.length > 15) return -1;
  let key = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      key = key * 256 + part;
      part = 0;
      digits = 0;
      dots++;
    } else if (c >= 48 && c <= 57) {
      if (digits === 1 && part === 0) return -1; // a leading zero
      part = part * 10 + (c - 48);
      if (++digits > 3 || part > 255) return -1;
    } else return -1;
  }
  if (dots !== 3 || digits === 0) return -1;
  return key * 256 + part;
}

const EMPTY = -1;

export class AddressIndex<V> {
  /**
   * The table, a slot in two int32s side by side (one cache line holds both): table[2i] the address, table[2i + 1] its
   * value's index in `values`, or EMPTY.
   */
  private table: Int32Array;
  /** 32 − log2(slots): home() keeps the hash's top bits. */
  private shift: number;
  private used = 0;
  private readonly values: (V | undefined)[] = [];
  private readonly free: number[] = [];
  /** Addresses that are not canonical IPv4. */
  private readonly other = new Map<string, V>();

  /** `bits`: log2 of the table's first number of slots (it doubles whenever it would be more than half full). */
  constructor(bits = 10) {
    this.table = AddressIndex.emptyTable(2 ** bits);
    this.shift = 32 - bits;
  }

  get size(): number {
    return this.used + this.other.size;
  }

  get(ip: string): V | undefined {
    const k = ipv4Key(ip);
    if (k < 0) return this.other.get(ip);
    const i = this.find(k | 0);
    return i < 0 ? undefined : this.values[this.table[2 * i + 1] as number];
  }

  set(ip: string, value: V): void {
    const k = ipv4Key(ip);
    if (k < 0) {
      this.other.set(ip, value);
      return;
    }
    const key = k | 0;
    const at = this.find(key);
    if (at >= 0) {
      this.values[this.table[2 * at + 1] as number] = value;
      return;
    }
    if ((this.used + 1) * 4 > this.table.length) this.grow();
    const index = this.free.pop() ?? this.values.length;
    this.values[index] = value;
    this.place(key, index);
    this.used++;
  }

  delete(ip: string): void {
    const k = ipv4Key(ip);
    if (k < 0) {
      this.other.delete(ip);
      return;
    }
    let i = this.find(k | 0);
    if (i < 0) return;
    const t = this.table;
    const index = t[2 * i + 1] as number;
    this.values[index] = undefined;
    this.free.push(index);
    this.used--;
    // Backward-shift deletion: entries after the hole that may sit there move into it, so no probe sequence breaks.
    const mask = t.length / 2 - 1;
    for (let j = (i + 1) & mask; t[2 * j + 1] !== EMPTY; j = (j + 1) & mask) {
      const home = this.home(t[2 * j] as number);
      // The entry at j stays when its home lies cyclically in (i, j].
      const stays = i <= j ? home > i && home <= j : home > i || home <= j;
      if (stays) continue;
      t[2 * i] = t[2 * j] as number;
      t[2 * i + 1] = t[2 * j + 1] as number;
      i = j;
    }
    t[2 * i + 1] = EMPTY;
  }

  private static emptyTable(slots: number): Int32Array {
    const t = new Int32Array(2 * slots);
    for (let i = 1; i < t.length; i += 2) t[i] = EMPTY;
    return t;
  }

  private home(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> this.shift;
  }

  /** The slot of `key`, or -1. */
  private find(key: number): number {
    const t = this.table;
    const mask = t.length / 2 - 1;
    for (let i = this.home(key); ; i = (i + 1) & mask) {
      if (t[2 * i + 1] === EMPTY) return -1;
      if (t[2 * i] === key) return i;
    }
  }

  private place(key: number, index: number): void {
    const t = this.table;
    const mask = t.length / 2 - 1;
    let i = this.home(key);
    while (t[2 * i + 1] !== EMPTY) i = (i + 1) & mask;
    t[2 * i] = key;
    t[2 * i + 1] = index;
  }

  private grow(): void {
    const old = this.table;
    this.table = AddressIndex.emptyTable(old.length);
    this.shift--;
    for (let i = 1; i < old.length; i += 2)
      if (old[i] !== EMPTY) this.place(old[i - 1] as number, old[i] as number);
  }
}
