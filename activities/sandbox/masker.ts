// Turns a column's rule into a function on COPY text fields. Every pseudo-random choice is keyed
// by a key derived with HMAC-SHA256 from the server secret and the sandbox's seed: the same value
// and seed give the same mask in every table (joins survive), another seed gives other masks, and
// nobody without the secret can recompute a mask from a guessed original. Per value the keyed
// function is SipHash-2-4 (domain/hash/siphash.ts), an order of magnitude cheaper than an HMAC.

import { createCipheriv, createHmac } from 'node:crypto';
import { decodeField, encodeField } from '../../domain/sandbox/copy-text.js';
import { maskCard, maskEmail, maskIp, maskName, maskPhone, noiseDate, noiseNumber, tokenText, tokenUuid } from '../../domain/sandbox/formats.js';
import { INTEGER_BITS, permuteInteger, permuteSmallInteger, type RoundFunction, type SmallRoundFunction } from '../../domain/sandbox/permute.js';
import { sipHashDigits, sipHashText, sipKey } from '../../domain/hash/siphash.js';
import type { ColumnRule } from '../../domain/sandbox/plan.js';
import type { ColumnInfo } from '../../domain/sandbox/types.js';

/** Maps a raw COPY field (never `\N`) and the row's key to the raw field to write. */
export type FieldMasker = (field: string, rowKey: string) => string;

export class MaskingError extends Error {
  override name = 'MaskingError';
}

export function deriveMaskingKey(secret: string | Uint8Array, seed: number): Buffer {
  return createHmac('sha256', secret).update(`firebreak-sandbox-mask:v1:${seed}`).digest();
}

/**
 * A bounded memo for tokens: keys repeat (every order names its customer), so a repeated value
 * costs one lookup. The format masks are cheaper than the lookup and left unmemoized.
 */
function memo(fn: (value: string) => string, limit = 10_000): (value: string) => string {
  let cache = new Map<string, string>();
  return (value) => {
    let out = cache.get(value);
    if (out === undefined) {
      if (cache.size >= limit) cache = new Map();
      out = fn(value);
      cache.set(value, out);
    }
    return out;
  };
}

/**
 * The Feistel round functions: AES-128 on one block per (round, half), keyed per seed. Rounds over
 * 16-bit halves (int2, int4) are tabulated whole the first time a round is needed: one cipher call
 * over 65,536 blocks (1 MiB, then dropped) instead of one per value.
 */
function roundFunctions(key: Buffer): { small: SmallRoundFunction; big: RoundFunction } {
  const cipher = createCipheriv('aes-128-ecb', createHmac('sha256', key).update('feistel').digest().subarray(0, 16), null);
  cipher.setAutoPadding(false);
  const blockOf = (buf: Buffer, at: number, round: number, half: bigint) => {
    buf.writeUInt8(round, at);
    buf.writeBigUInt64LE(half, at + 8);
  };
  const compute = (round: number, half: bigint): number => {
    const block = Buffer.alloc(16);
    blockOf(block, 0, round, half);
    return cipher.update(block).readUInt32LE(0);
  };
  const tables: Uint32Array[] = [];
  const tabulate = (round: number): Uint32Array => {
    // The same blocks as blockOf writes: a 16-bit half fits the low bytes of its 64-bit slot, and
    // without a BigInt per block the table costs milliseconds instead of a large part of a second.
    const blocks = Buffer.alloc(65_536 * 16);
    for (let half = 0; half < 65_536; half++) {
      blocks[half * 16] = round;
      blocks.writeUInt16LE(half, half * 16 + 8);
    }
    const encrypted = cipher.update(blocks);
    const table = new Uint32Array(65_536);
    for (let half = 0; half < 65_536; half++) table[half] = encrypted.readUInt32LE(half * 16);
    return table;
  };
  const small: SmallRoundFunction = (round, half) => (tables[round] ??= tabulate(round))[half]!;
  // Halves are at most 32 bits (int8 has 63 value bits), so one 32-bit output always suffices.
  return { small, big: (round, half) => (half < 65_536n ? BigInt(small(round, Number(half))) : BigInt(compute(round, half))) };
}

export interface Masker {
  forColumn(table: string, column: ColumnInfo, rule: ColumnRule): FieldMasker | undefined;
}

export function createMasker(key: Buffer): Masker {
  const sip = sipKey(createHmac('sha256', key).update('siphash').digest());
  // Every format reads the PRF's bytes before the next PRF call, so one output array serves all.
  const bytes = new Uint8Array(16);
  const prf = (label: string, value: string) => sipHashText(sip, label, value, bytes);
  const prfDigits = (label: string, value: string) => sipHashDigits(sip, label, value, bytes);
  const rounds = roundFunctions(key);
  // One tokenizer per type family: a value tokenized in orders.customer_id and customers.id must agree.
  const tokenizers = new Map<string, (value: string) => string>();
  const tokenizer = (c: ColumnInfo): ((value: string) => string) => {
    const bits = INTEGER_BITS[c.baseType];
    const family = bits !== undefined ? `int${bits}` : c.baseType === 'uuid' ? 'uuid' : `text${c.maxLength ?? ''}`;
    let fn = tokenizers.get(family);
    if (!fn) {
      fn =
        bits !== undefined
          ? bits <= 31
            ? (v) => String(permuteSmallInteger(Number(v), bits, rounds.small))
            : memo((v) => permuteInteger(BigInt(v), bits, rounds.big).toString())
          : c.baseType === 'uuid'
            ? memo((v) => tokenUuid(prf('uuid', v.toLowerCase())))
            : memo((v) => tokenText(prf('text', v), c.maxLength));
      tokenizers.set(family, fn);
    }
    return fn;
  };
  const onDecoded = (fn: (value: string, rowKey: string) => string | undefined, where: string): FieldMasker => (field, rowKey) => {
    const out = fn(decodeField(field)!, rowKey);
    if (out === undefined) throw new MaskingError(`${where} holds a value the rule cannot mask; use another rule for it.`);
    return encodeField(out);
  };

  return {
    forColumn(table, c, rule) {
      const where = `Column ${table}.${c.name}`;
      if (typeof rule !== 'string') {
        const constant = rule.constant === null ? '\\N' : encodeField(String(rule.constant));
        return () => constant;
      }
      const integer = INTEGER_BITS[c.baseType] !== undefined;
      switch (rule) {
        case 'keep':
          return undefined;
        case 'null':
          return () => '\\N';
        case 'tokenize':
          return onDecoded(tokenizer(c), where);
        case 'email':
          return onDecoded((v) => maskEmail(prf('email', v.toLowerCase()), c.maxLength), where);
        case 'phone':
          return onDecoded((v) => maskPhone(v, prfDigits('phone', v)), where);
        case 'name':
          return onDecoded((v) => maskName(v, prf('name', v.toLowerCase()), c.maxLength), where);
        case 'ip':
          return onDecoded((v) => maskIp(v, prf('ip', v), c.baseType === 'cidr'), where);
        case 'card':
          return onDecoded((v) => maskCard(v, prfDigits('card', v)), where);
        case 'noise': {
          const label = `noise:${table}.${c.name}`;
          return onDecoded((v, row) => noiseNumber(v, prf(label, row), integer), where);
        }
        case 'date-noise': {
          const label = `date:${table}.${c.name}`;
          return onDecoded((v, row) => noiseDate(v, prf(label, row)), where);
        }
        default:
          throw new MaskingError(`${where}: unknown masking rule ${String(rule)}.`);
      }
    },
  };
}
