// Tokenizing integer keys must stay one-to-one, or two customers would share a masked ID and a
// primary key would collide. A keyed Feistel network is a permutation of its 2k-bit domain; walking
// the cycle until the value falls below the column's bound makes it a permutation of [0, bound).

/** A keyed function of (round, half) → pseudo-random bits; only the low `halfBits` are used. */
export type RoundFunction = (round: number, half: bigint) => bigint;

const ROUNDS = 4;

function feistel(value: bigint, halfBits: bigint, f: RoundFunction): bigint {
  const mask = (1n << halfBits) - 1n;
  let left = value >> halfBits;
  let right = value & mask;
  for (let r = 0; r < ROUNDS; r++) {
    const next = left ^ (f(r, right) & mask);
    left = right;
    right = next;
  }
  return (left << halfBits) | right;
}

/**
 * Maps a non-negative value below 2^bits to another one, bijectively. Negative values are mapped
 * through their complement so the sign survives: check constraints like `id > 0` still hold.
 */
export function permuteInteger(value: bigint, bits: number, f: RoundFunction): bigint {
  if (value < 0n) return -permuteInteger(-value - 1n, bits, f) - 1n;
  const halfBits = BigInt(Math.ceil(bits / 2));
  const bound = 1n << BigInt(bits);
  let x = value;
  do x = feistel(x, halfBits, f);
  while (x >= bound);
  return x;
}

/** A keyed function of (round, half) → pseudo-random 32 bits, for domains of at most 32 bits. */
export type SmallRoundFunction = (round: number, half: number) => number;

/**
 * The same permutation as permuteInteger for bits ≤ 31, on plain numbers: int2 and int4 keys are
 * the common case and BigInt arithmetic costs several times more per row.
 */
export function permuteSmallInteger(value: number, bits: number, f: SmallRoundFunction): number {
  if (value < 0) return -permuteSmallInteger(-value - 1, bits, f) - 1;
  const halfBits = Math.ceil(bits / 2);
  const scale = 2 ** halfBits;
  const mask = scale - 1;
  const bound = 2 ** bits;
  let x = value;
  // Integers of the 2·halfBits-bit domain (≤ 32 bits): the same steps on uint32 operations, which
  // V8 keeps in registers instead of doubles. Anything else takes the arithmetic below.
  if (Number.isInteger(x) && x < scale * scale) {
    do {
      let left = x >>> halfBits;
      let right = x & mask;
      for (let r = 0; r < ROUNDS; r++) {
        const next = (left ^ (f(r, right) & mask)) >>> 0;
        left = right;
        right = next;
      }
      x = ((left << halfBits) | right) >>> 0;
    } while (x >= bound);
    return x;
  }
  do {
    let left = Math.floor(x / scale);
    let right = x % scale;
    for (let r = 0; r < ROUNDS; r++) {
      const next = (left ^ (f(r, right) & mask)) >>> 0;
      left = right;
      right = next;
    }
    x = left * scale + right;
  } while (x >= bound);
  return x;
}

/** Value bits (sign excluded) of PostgreSQL's integer types. */
export const INTEGER_BITS: Record<string, number> = { int2: 15, int4: 31, int8: 63 };
