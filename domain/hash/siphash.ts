// SipHash-2-4 with 128-bit output (Aumasson and Bernstein): a keyed pseudo-random function made
// for short inputs. Masking calls it once per value, millions of times per sandbox; in Node an
// HMAC-SHA256 per value costs ~3.5 µs in object set-up alone, this ~0.3 µs. Its key comes from
// HMAC-SHA256 over the server secret and the seed (activities/sandbox/masker.ts).
//
// 64-bit words are kept as pairs of unsigned 32-bit halves; every operation below is the
// reference algorithm's, spelled out on those halves (checked against the reference vectors in
// test/unit/sandbox-masking.test.ts).

export type SipKey = Uint32Array; // [k0 lo, k0 hi, k1 lo, k1 hi]

export function sipKey(bytes: Uint8Array): SipKey {
  const view = new DataView(bytes.buffer, bytes.byteOffset, 16);
  return new Uint32Array([view.getUint32(0, true), view.getUint32(4, true), view.getUint32(8, true), view.getUint32(12, true)]);
}

const word = (m: Uint8Array, i: number) => (m[i]! | (m[i + 1]! << 8) | (m[i + 2]! << 16) | (m[i + 3]! << 24)) >>> 0;

/**
 * SipHash-2-4 of `m[0, length)`; 16 output bytes, or 8 with `wide` false (the original 64-bit).
 * v0..v3 are a, b, c, d as lo/hi locals, and the SipRound is written out where it runs: this is
 * the hot path of masking, and locals are what V8 keeps in registers. `into` (at least 16 or 8
 * bytes) receives the output instead of a new array, for callers that use it before the next call.
 */
export function sipHash(key: SipKey, m: Uint8Array, length = m.length, wide = true, into?: Uint8Array): Uint8Array {
  let a0 = (key[0]! ^ 0x70736575) >>> 0, a1 = (key[1]! ^ 0x736f6d65) >>> 0;
  let b0 = (key[2]! ^ 0x6e646f6d ^ (wide ? 0xee : 0)) >>> 0, b1 = (key[3]! ^ 0x646f7261) >>> 0;
  let c0 = (key[0]! ^ 0x6e657261) >>> 0, c1 = (key[1]! ^ 0x6c796765) >>> 0;
  let d0 = (key[2]! ^ 0x79746573) >>> 0, d1 = (key[3]! ^ 0x74656462) >>> 0;
  let t = 0;
  const blocks = (length >>> 3) + 1;
  const full = length - (length % 8);
  for (let block = 0; block < blocks; block++) {
    let lo: number, hi: number;
    if (block * 8 < full) {
      lo = word(m, block * 8);
      hi = word(m, block * 8 + 4);
    } else {
      // Last block: the remaining bytes, then the length's low byte in the top byte.
      lo = 0;
      hi = (length & 0xff) << 24;
      for (let i = full; i < length; i++) {
        const at = i - full;
        if (at < 4) lo |= m[i]! << (8 * at);
        else hi |= m[i]! << (8 * (at - 4));
      }
      lo >>>= 0;
      hi >>>= 0;
    }
    d0 = (d0 ^ lo) >>> 0; d1 = (d1 ^ hi) >>> 0;
    for (let r = 0; r < 2; r++) {
      t = (a0 + b0) >>> 0; a1 = (a1 + b1 + (t < a0 ? 1 : 0)) >>> 0; a0 = t;
      t = b0; b0 = ((b0 << 13) | (b1 >>> 19)) >>> 0; b1 = ((b1 << 13) | (t >>> 19)) >>> 0;
      b0 = (b0 ^ a0) >>> 0; b1 = (b1 ^ a1) >>> 0;
      t = a0; a0 = a1; a1 = t;
      t = (c0 + d0) >>> 0; c1 = (c1 + d1 + (t < c0 ? 1 : 0)) >>> 0; c0 = t;
      t = d0; d0 = ((d0 << 16) | (d1 >>> 16)) >>> 0; d1 = ((d1 << 16) | (t >>> 16)) >>> 0;
      d0 = (d0 ^ c0) >>> 0; d1 = (d1 ^ c1) >>> 0;
      t = (a0 + d0) >>> 0; a1 = (a1 + d1 + (t < a0 ? 1 : 0)) >>> 0; a0 = t;
      t = d0; d0 = ((d0 << 21) | (d1 >>> 11)) >>> 0; d1 = ((d1 << 21) | (t >>> 11)) >>> 0;
      d0 = (d0 ^ a0) >>> 0; d1 = (d1 ^ a1) >>> 0;
      t = (c0 + b0) >>> 0; c1 = (c1 + b1 + (t < c0 ? 1 : 0)) >>> 0; c0 = t;
      t = b0; b0 = ((b0 << 17) | (b1 >>> 15)) >>> 0; b1 = ((b1 << 17) | (t >>> 15)) >>> 0;
      b0 = (b0 ^ c0) >>> 0; b1 = (b1 ^ c1) >>> 0;
      t = c0; c0 = c1; c1 = t;
    }
    a0 = (a0 ^ lo) >>> 0; a1 = (a1 ^ hi) >>> 0;
  }
  const out = into ?? new Uint8Array(wide ? 16 : 8);
  c0 = (c0 ^ (wide ? 0xee : 0xff)) >>> 0;
  for (let half = 0; half < (wide ? 2 : 1); half++) {
    if (half === 1) b0 = (b0 ^ 0xdd) >>> 0;
    for (let r = 0; r < 4; r++) {
      t = (a0 + b0) >>> 0; a1 = (a1 + b1 + (t < a0 ? 1 : 0)) >>> 0; a0 = t;
      t = b0; b0 = ((b0 << 13) | (b1 >>> 19)) >>> 0; b1 = ((b1 << 13) | (t >>> 19)) >>> 0;
      b0 = (b0 ^ a0) >>> 0; b1 = (b1 ^ a1) >>> 0;
      t = a0; a0 = a1; a1 = t;
      t = (c0 + d0) >>> 0; c1 = (c1 + d1 + (t < c0 ? 1 : 0)) >>> 0; c0 = t;
      t = d0; d0 = ((d0 << 16) | (d1 >>> 16)) >>> 0; d1 = ((d1 << 16) | (t >>> 16)) >>> 0;
      d0 = (d0 ^ c0) >>> 0; d1 = (d1 ^ c1) >>> 0;
      t = (a0 + d0) >>> 0; a1 = (a1 + d1 + (t < a0 ? 1 : 0)) >>> 0; a0 = t;
      t = d0; d0 = ((d0 << 21) | (d1 >>> 11)) >>> 0; d1 = ((d1 << 21) | (t >>> 11)) >>> 0;
      d0 = (d0 ^ a0) >>> 0; d1 = (d1 ^ a1) >>> 0;
      t = (c0 + b0) >>> 0; c1 = (c1 + b1 + (t < c0 ? 1 : 0)) >>> 0; c0 = t;
      t = b0; b0 = ((b0 << 17) | (b1 >>> 15)) >>> 0; b1 = ((b1 << 17) | (t >>> 15)) >>> 0;
      b0 = (b0 ^ c0) >>> 0; b1 = (b1 ^ c1) >>> 0;
      t = c0; c0 = c1; c1 = t;
    }
    const lo = (a0 ^ b0 ^ c0 ^ d0) >>> 0;
    const hi = (a1 ^ b1 ^ c1 ^ d1) >>> 0;
    for (let i = 0; i < 4; i++) {
      out[half * 8 + i] = (lo >>> (8 * i)) & 0xff;
      out[half * 8 + 4 + i] = (hi >>> (8 * i)) & 0xff;
    }
  }
  return out;
}

const encoder = new TextEncoder();
// Reused for every call; longer inputs (rare: masks apply to short fields) get their own buffer.
const scratch = new Uint8Array(4096);

/** Writes `text` as UTF-8 into `buf` at `at`; plain ASCII (most values) skips the encoder. */
function put(buf: Uint8Array, text: string, at: number): number {
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 0x7f) return at + encoder.encodeInto(text, buf.subarray(at)).written;
    buf[at + i] = c;
  }
  return at + n;
}

/** The PRF on text: `label`, a NUL, then `value`, as UTF-8 (`into` as for sipHash). */
export function sipHashText(key: SipKey, label: string, value: string, into?: Uint8Array): Uint8Array {
  const need = (label.length + value.length) * 3 + 1;
  const buf = need <= scratch.length ? scratch : new Uint8Array(need);
  let n = put(buf, label, 0);
  buf[n++] = 0;
  n = put(buf, value, n);
  return sipHash(key, buf, n, true, into);
}

/** The PRF on the ASCII digits of `value` alone: the same as sipHashText on `value` stripped of /\D/g. */
export function sipHashDigits(key: SipKey, label: string, value: string, into?: Uint8Array): Uint8Array {
  const need = label.length * 3 + value.length + 1;
  const buf = need <= scratch.length ? scratch : new Uint8Array(need);
  let n = put(buf, label, 0);
  buf[n++] = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) buf[n++] = c;
  }
  return sipHash(key, buf, n, true, into);
}
