// Format-preserving replacements. Each takes the original value and pseudo-random bytes derived
// from it (keyed, so the same value and seed always give the same replacement and joins on masked
// columns still match) and keeps the shape an application would validate: an e-mail stays an
// address, a card number passes Luhn, an IP address parses as one.

const FIRST_NAMES = [
  'Avery', 'Blair', 'Casey', 'Dakota', 'Emery', 'Finley', 'Harper', 'Indigo', 'Jordan', 'Kendall',
  'Logan', 'Morgan', 'Noel', 'Oakley', 'Parker', 'Quinn', 'Reese', 'Sawyer', 'Taylor', 'Umber',
  'Val', 'Wren', 'Xen', 'Yael', 'Zephyr', 'Arden', 'Briar', 'Cypress', 'Delta', 'Ellis', 'Fallon', 'Gray',
];
const LAST_NAMES = [
  'Ashdown', 'Brookfield', 'Calloway', 'Dunmore', 'Everhart', 'Fairweather', 'Glenwood', 'Hollis',
  'Ironwood', 'Juniper', 'Kestrel', 'Larkspur', 'Merriweather', 'Northcott', 'Oakhurst', 'Pembrook',
  'Quarry', 'Redfern', 'Stonebridge', 'Thornbury', 'Underhill', 'Vale', 'Whitlock', 'Yarrow',
];

const HEX = '0123456789abcdef';
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function hex(bytes: Uint8Array, chars: number): string {
  let out = '';
  for (let i = 0; out.length < chars; i++) out += HEX[bytes[i % bytes.length]! >> 4]! + HEX[bytes[i % bytes.length]! & 15]!;
  return out.slice(0, chars);
}

const BASE32_CODES = Uint16Array.from(BASE32, (c) => c.charCodeAt(0));

export function base32(bytes: Uint8Array, chars: number): string {
  // One string from char codes instead of one string per appended character.
  const codes = chars <= CODES.length ? CODES : new Uint16Array(chars);
  for (let i = 0; i < chars; i++) codes[i] = BASE32_CODES[bytes[i % bytes.length]! & 31]!;
  return fromCodes(codes, chars);
}

const fit = (text: string, maxLength?: number) => (maxLength !== undefined && text.length > maxLength ? text.slice(0, maxLength) : text);

export function tokenText(bytes: Uint8Array, maxLength?: number): string {
  return fit(`tok_${base32(bytes, 16)}`, maxLength);
}

export function tokenUuid(bytes: Uint8Array): string {
  const h = hex(bytes, 32).split('');
  h[12] = '4';
  h[16] = HEX[8 + (bytes[8]! & 3)]!;
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

/** `.invalid` is reserved (RFC 2606): a masked address can never deliver mail to a real person. */
export function maskEmail(bytes: Uint8Array, maxLength?: number): string {
  return fit(`u_${base32(bytes, 12)}@example.invalid`, maxLength);
}

/** Every digit replaced, punctuation, spacing and a leading `+` kept: `+1 (555) 010-4477`. */
export function maskPhone(value: string, bytes: Uint8Array): string {
  return replaceDigits(value, (i) => 48 + (bytes[i % bytes.length]! % 10));
}

/** `value` with its i-th digit replaced by the character code `digit(i)`; other characters kept. */
function replaceDigits(value: string, digit: (i: number) => number): string {
  const n = value.length;
  const codes = n <= CODES.length ? CODES : new Uint16Array(n);
  for (let i = 0, d = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    codes[i] = c >= 48 && c <= 57 ? digit(d++) : c;
  }
  return fromCodes(codes, n);
}

// Scratch for building short strings from char codes (masking is synchronous: never shared).
const CODES = new Uint16Array(256);
const DIGITS = new Uint8Array(256);

/** The string of `codes[0, n)`. */
function fromCodes(codes: Uint16Array, n: number): string {
  return String.fromCharCode.apply(null, codes.subarray(0, n) as unknown as number[]);
}

const countDigits = (value: string) => {
  let n = 0;
  for (let i = 0; i < value.length; i++) if (value.charCodeAt(i) >= 48 && value.charCodeAt(i) <= 57) n++;
  return n;
};

export function maskName(value: string, bytes: Uint8Array, maxLength?: number): string {
  const first = FIRST_NAMES[((bytes[0]! << 8) | bytes[1]!) % FIRST_NAMES.length]!;
  const last = LAST_NAMES[((bytes[2]! << 8) | bytes[3]!) % LAST_NAMES.length]!;
  return fit(/\s/.test(value.trim()) ? `${first} ${last}` : first, maxLength);
}

/**
 * IPv4 goes to 10.0.0.0/8 and IPv6 to fd00::/8 (private ranges), a `/prefix` is kept, and for
 * `cidr` columns host bits are cleared because the type rejects them.
 */
export function maskIp(value: string, bytes: Uint8Array, clearHostBits: boolean): string {
  // The common case, a bare IPv4 address: no prefix, nothing to clear.
  if (value.indexOf('/') < 0 && value.indexOf(':') < 0) return `10.${bytes[1]!}.${bytes[2]!}.${bytes[3]!}`;
  const [, prefix] = value.split('/');
  const v6 = value.includes(':');
  const out = Array.from(bytes.slice(0, v6 ? 16 : 4));
  out[0] = v6 ? 0xfd : 10;
  if (clearHostBits && prefix !== undefined) {
    const bits = Number(prefix);
    for (let b = 0; b < out.length; b++) {
      const keep = Math.max(0, Math.min(8, bits - b * 8));
      out[b] = out[b]! & ((0xff << (8 - keep)) & 0xff);
    }
  }
  const address = v6
    ? Array.from({ length: 8 }, (_, g) => ((out[2 * g]! << 8) | out[2 * g + 1]!).toString(16)).join(':')
    : out.join('.');
  return prefix === undefined ? address : `${address}/${prefix}`;
}

export function luhnCheckDigit(payload: string): number {
  let sum = 0;
  for (let i = payload.length - 1, double = true; i >= 0; i--, double = !double) {
    let d = payload.charCodeAt(i) - 48;
    if (double) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

// 400000 is a test BIN: card networks never issue real cards under it.
const TEST_BIN = '400000';

/** Same number of digits and the same separators, a test BIN, and a valid Luhn check digit. */
export function maskCard(value: string, bytes: Uint8Array): string {
  const count = countDigits(value);
  // The digits as char codes: the test BIN, pseudo-random digits, then the Luhn check digit.
  const digits = count <= DIGITS.length ? DIGITS : new Uint8Array(count);
  const bin = Math.min(TEST_BIN.length, Math.max(0, count - 1));
  for (let i = 0; i < bin; i++) digits[i] = TEST_BIN.charCodeAt(i);
  for (let i = 0, at = bin; at < count - 1; i++, at++) digits[at] = 48 + (bytes[i % bytes.length]! % 10);
  if (count > 0) {
    let sum = 0;
    for (let i = count - 2, double = true; i >= 0; i--, double = !double) {
      let d = digits[i]! - 48;
      if (double) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      sum += d;
    }
    digits[count - 1] = 48 + ((10 - (sum % 10)) % 10);
  }
  return replaceDigits(value, (i) => digits[i]!);
}

/**
 * Characters after the first `.` up to an exponent or another `.`. Plain numeric text is scanned;
 * anything else (whitespace Number() tolerates) takes the original split-and-trim expression.
 */
function decimalsOf(value: string): number {
  let dot = -1;
  let end = value.length;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (c === 46 || c === 101 || c === 69) {
      if (c === 46 && dot < 0) dot = i;
      else if (dot >= 0 && end === value.length) end = i;
      continue;
    }
    if (c === 43 || c === 45) continue;
    return value.split('.')[1]?.replace(/e.*$/i, '').length ?? 0;
  }
  return dot < 0 ? 0 : end - dot - 1;
}

/** ±10 %, as many decimals as the original, so numeric(p,s) round-trips unchanged. */
export function noiseNumber(value: string, bytes: Uint8Array, integer: boolean): string {
  const n = Number(value);
  if (!Number.isFinite(n)) return value;
  const u = ((bytes[0]! << 8) | bytes[1]!) / 0xffff;
  const scaled = n * (1 + (u * 2 - 1) * 0.1);
  const decimals = integer ? 0 : decimalsOf(value);
  return scaled.toFixed(decimals);
}

const digitsAt = (v: string, from: number, to: number) => {
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return NaN;
    n = n * 10 + d;
  }
  return n;
};
const pad = (n: number, width: number) => String(n).padStart(width, '0');

const DAY_MS = 86_400_000;
// Timestamps share their date part (a day holds many rows) and shifts span 60 days, so the day
// arithmetic and the date text are cached rather than redone with a Date per value. Bounded: a
// cache that fills up starts again.
const CACHE_LIMIT = 100_000;
const dayOfText = new Map<string, number>();
const textOfDay = new Map<number, string | undefined>();

/** UTC day number of `YYYY-MM-DD…` (out-of-range months and days roll over, as Date.UTC does), or NaN. */
function dayNumber(value: string): number {
  const head = value.slice(0, 10);
  let day = dayOfText.get(head);
  if (day === undefined) {
    const [year, month, date] = [digitsAt(value, 0, 4), digitsAt(value, 5, 7), digitsAt(value, 8, 10)];
    day = value[4] !== '-' || value[7] !== '-' || Number.isNaN(year + month + date) ? NaN : Date.UTC(year, month - 1, date) / DAY_MS;
    if (dayOfText.size >= CACHE_LIMIT) dayOfText.clear();
    dayOfText.set(head, day);
  }
  return day;
}

/** `YYYY-MM-DD` of a UTC day number, or undefined outside years 1–9999. */
function dayText(day: number): string | undefined {
  if (textOfDay.has(day)) return textOfDay.get(day);
  const date = new Date(day * DAY_MS);
  const y = date.getUTCFullYear();
  const text = y > 9999 || y < 1 ? undefined : `${pad(y, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
  if (textOfDay.size >= CACHE_LIMIT) textOfDay.clear();
  textOfDay.set(day, text);
  return text;
}

/** Moves the date part by 1–30 days either way and keeps the time and zone that follow it. */
export function noiseDate(value: string, bytes: Uint8Array): string | undefined {
  if (value === 'infinity' || value === '-infinity') return value;
  if (value.endsWith(' BC')) return undefined;
  const day = dayNumber(value);
  if (Number.isNaN(day)) return undefined;
  const shift = ((bytes[0]! % 30) + 1) * (bytes[1]! & 1 ? 1 : -1);
  const text = dayText(day + shift);
  return text === undefined ? undefined : `${text}${value.slice(10)}`;
}
