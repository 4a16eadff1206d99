import { randomFillSync } from 'node:crypto';

/** Prefixes of every id ztv mints, so an id says what it names (`fnd_…` is a finding). */
export const idPrefixes = {
  finding: 'fnd',
  notification: 'ntf',
  remediation: 'rem',
  silence: 'sil',
  apiToken: 'tok',
} as const;
export type IdKind = keyof typeof idPrefixes;

// Crockford base32: no I, L, O, U, so ids survive being read aloud or copied by hand.
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A new prefixed id: 10 characters of millisecond time then 16 random ones (80 bits), as in a ULID, so ids sort by
 * creation time and an index on them stays append-mostly.
 */
export function newId(kind: IdKind, now: number = Date.now()): string {
  let time = '';
  for (let t = now, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = alphabet[t % 32] + time;
  let rand = '';
  if (poolOffset + 16 > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  for (let i = 0; i < 16; i++) rand += alphabet[pool[poolOffset + i]! % 32];
  poolOffset += 16;
  return `${idPrefixes[kind]}_${time}${rand}`.toLowerCase();
}

// Random bytes drawn 4 KiB at a time: the alerter mints hundreds of ids per batch, and one randomBytes call each
// costs more than the id. Each byte is used once.
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;
