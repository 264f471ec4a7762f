// The masking transformers on their own: formats an application would still accept, determinism
// per seed, one-to-one integer tokens, and COPY text fields that survive any content.

import { isIP } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MaskingTransform } from '../../activities/sandbox/copy.js';
import { createMasker, deriveMaskingKey } from '../../activities/sandbox/masker.js';
import { decodeField, encodeField } from '../../domain/sandbox/copy-text.js';
import { luhnCheckDigit, maskCard, maskIp, noiseDate, noiseNumber } from '../../domain/sandbox/formats.js';
import { permuteInteger, permuteSmallInteger } from '../../domain/sandbox/permute.js';
import { sipHash, sipKey } from '../../domain/hash/siphash.js';
import type { ColumnInfo } from '../../domain/sandbox/types.js';

const column = (name: string, baseType: string, extra: Partial<ColumnInfo> = {}): ColumnInfo => ({ name, type: baseType, baseType, notNull: false, ...extra });
const masker = (seed: number) => createMasker(deriveMaskingKey('unit-secret', seed));

describe('COPY text fields', () => {
  it('decode(encode(x)) is x for any string, and an encoded field never holds a raw tab or newline', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const encoded = encodeField(s);
        expect(encoded).not.toMatch(/[\t\n\r]/);
        expect(decodeField(encoded)).toBe(s);
      }),
    );
    expect(decodeField('\\N')).toBeNull();
    expect(decodeField('a\\101\\x42')).toBe('aAB');
  });
});

describe('SipHash-2-4', () => {
  it('matches the reference vectors (key 00..0f, message 00..n-1)', () => {
    const key = sipKey(Uint8Array.from({ length: 16 }, (_, i) => i));
    const message = (n: number) => Uint8Array.from({ length: n }, (_, i) => i);
    const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
    expect(hex(sipHash(key, message(0), 0, false))).toBe('310e0edd47db6f72');
    // The paper's 15-byte example, 0xa129ca6149be45e5, little-endian.
    expect(hex(sipHash(key, message(15), 15, false))).toBe('e545be4961ca29a1');
    expect(hex(sipHash(key, message(0)))).toBe('a3817f04ba25a8e66df67214c7550293');
  });
});

describe('integer tokenization', () => {
  it('is a permutation of the domain that keeps the sign', () => {
    const f = (round: number, half: bigint) => BigInt((Number(half) * 2654435761 + round * 40503) >>> 0);
    const seen = new Set<bigint>();
    for (let v = 0n; v < 1024n; v++) {
      const out = permuteInteger(v, 10, f);
      expect(out >= 0n && out < 1024n).toBe(true);
      seen.add(out);
    }
    expect(seen.size).toBe(1024);
    expect(permuteInteger(-5n, 10, f) < 0n).toBe(true);
    // The number fast path is the same permutation, so int4 tokens agree with the BigInt path.
    const small = (round: number, half: number) => Number(f(round, BigInt(half)));
    for (const v of [0, 1, 77, 65_535, 65_536, 2 ** 31 - 1, -1, -(2 ** 31)]) expect(BigInt(permuteSmallInteger(v, 31, small))).toBe(permuteInteger(BigInt(v), 31, f));
  });

  it('agrees across columns of one integer family, differs by seed, and never collides on 50,000 keys', () => {
    const id = masker(1).forColumn('public.customers', column('id', 'int4'), 'tokenize')!;
    const ref = masker(1).forColumn('public.orders', column('customer_id', 'int4'), 'tokenize')!;
    const other = masker(2).forColumn('public.customers', column('id', 'int4'), 'tokenize')!;
    expect(ref('42', 'x')).toBe(id('42', 'y'));
    expect(other('42', '')).not.toBe(id('42', ''));
    const outs = new Set(Array.from({ length: 50_000 }, (_, i) => id(String(i + 1), '')));
    expect(outs.size).toBe(50_000);
    for (const v of [...outs].slice(0, 100)) expect(Number(v)).toBeLessThan(2 ** 31);
  });
});

describe('format-preserving masks', () => {
  it('cards keep length and separators, use the test BIN and pass Luhn', () => {
    for (const card of ['5105 1051 0510 5100', '378282246310005', '6011-1111-1111-1117']) {
      const masked = maskCard(card, new Uint8Array(32).map((_, i) => i * 37));
      expect(masked.replace(/\d/g, '9')).toBe(card.replace(/\d/g, '9'));
      const digits = masked.replace(/\D/g, '');
      expect(digits.startsWith('40000')).toBe(true);
      expect(luhnCheckDigit(digits.slice(0, -1))).toBe(Number(digits.at(-1)));
    }
  });

  it('IPs stay valid addresses in private ranges; cidr host bits are cleared', () => {
    const bytes = new Uint8Array(32).map((_, i) => 200 - i);
    expect(isIP(maskIp('203.0.113.9', bytes, false))).toBe(4);
    expect(isIP(maskIp('2001:db8::1', bytes, false))).toBe(6);
    expect(maskIp('203.0.113.0/24', bytes, true)).toMatch(/^10\.\d+\.\d+\.0\/24$/);
  });

  it('noise stays within 10 % at the original scale; dates move 1 to 30 days and keep the time', () => {
    const bytes = new Uint8Array([255, 255]);
    expect(noiseNumber('100.00', bytes, false)).toBe('110.00');
    expect(noiseNumber('100', new Uint8Array([0, 0]), true)).toBe('90');
    const shifted = noiseDate('2024-03-01 10:11:12+00', new Uint8Array([4, 1]));
    expect(shifted).toBe('2024-03-06 10:11:12+00');
    expect(noiseDate('infinity', bytes)).toBe('infinity');
  });

  it('shifts dates exactly as Date.UTC day arithmetic does, with its day cache warm or cold', () => {
    const reference = (value: string, b: Uint8Array) => {
      const shift = ((b[0]! % 30) + 1) * (b[1]! & 1 ? 1 : -1);
      const d = new Date(Date.UTC(Number(value.slice(0, 4)), Number(value.slice(5, 7)) - 1, Number(value.slice(8, 10)) + shift));
      const y = d.getUTCFullYear();
      if (y > 9999 || y < 1) return undefined;
      return `${String(y).padStart(4, '0')}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-${String(d.getUTCDate()).padStart(2, '0')}${value.slice(10)}`;
    };
    const values = ['2024-02-28', '2024-02-31 00:00:00', '2023-12-31 23:59:59.5+02', '9999-12-30', '0101-01-02 BC', '2024-13-01', '20x4-01-01', '2024-1-01'];
    for (const value of values) {
      for (const b of [new Uint8Array([0, 0]), new Uint8Array([29, 1]), new Uint8Array([7, 3])]) {
        const expected = value.endsWith(' BC') || !/^\d{4}-\d{2}-\d{2}/.test(value) ? undefined : reference(value, b);
        expect(noiseDate(value, b), `${value} ${b.join(',')}`).toBe(expected);
        expect(noiseDate(value, b), `${value} again`).toBe(expected);
      }
    }
  });

  it('masks the same value the same way for the same seed, so equality and joins survive', () => {
    const email = (seed: number) => masker(seed).forColumn('public.t', column('email', 'text'), 'email')!;
    expect(email(1)('ann@corp.example', '')).toBe(email(1)('ann@corp.example', ''));
    expect(email(1)('ann@corp.example', '')).not.toBe(email(2)('ann@corp.example', ''));
    expect(email(1)('ann@corp.example', '')).toMatch(/^u_[a-z2-7]{12}@example\.invalid$/);
    const short = masker(1).forColumn('public.t', column('code', 'varchar', { maxLength: 8 }), 'tokenize')!;
    expect(short('ABC-123', '')).toHaveLength(8);
    expect(masker(1).forColumn('public.t', column('note', 'text'), { constant: 'a\tb' })!('x', '')).toBe('a\\tb');
  });
});

describe('the row transform', () => {
  it('masks only ruled fields, leaves NULLs, handles rows split across chunks, and hashes what it writes', async () => {
    const email = masker(1).forColumn('public.t', column('email', 'text'), 'email')!;
    const transform = new MaskingTransform({ maskers: [undefined, email], keyIndexes: [0] });
    const out: string[] = [];
    transform.on('data', (chunk: Buffer) => out.push(chunk.toString()));
    transform.write(Buffer.from('1\tann@corp.example\n2\t\\N\n3\tbo'));
    transform.end(Buffer.from('b@corp.example\n'));
    await new Promise((resolve) => transform.on('end', resolve));
    const lines = out.join('').split('\n');
    expect(lines[0]).toMatch(/^1\tu_[a-z2-7]{12}@example\.invalid$/);
    expect(lines[1]).toBe('2\t\\N');
    expect(lines[2]).toMatch(/^3\tu_/);
    expect(transform.rows).toBe(3);
    expect(transform.digest()).toMatch(/^[0-9a-f]{64}$/);
  });
});
