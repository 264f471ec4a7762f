// PostgreSQL's COPY text format, one field at a time. Rows end at a raw newline and fields at a raw
// tab, because the server escapes both inside values; so a row can be split without decoding and
// only the fields a rule touches need decoding and encoding again.

export const COPY_NULL = '\\N';

const DECODE: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
const ENCODE: Record<string, string> = { '\\': '\\\\', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v' };
const NEEDS_ENCODING = /[\\\b\f\n\r\t\v]/g;
const ANY_SPECIAL = /[\\\b\f\n\r\t\v]/;

/** The value of one field, or null for `\N`. */
export function decodeField(field: string): string | null {
  if (field === COPY_NULL) return null;
  if (!field.includes('\\')) return field;
  let out = '';
  for (let i = 0; i < field.length; i++) {
    const c = field[i]!;
    if (c !== '\\' || i === field.length - 1) {
      out += c;
      continue;
    }
    const next = field[++i]!;
    if (DECODE[next] !== undefined) out += DECODE[next];
    else if (next >= '0' && next <= '7') {
      const octal = /^[0-7]{1,3}/.exec(field.slice(i))![0];
      out += String.fromCharCode(parseInt(octal, 8));
      i += octal.length - 1;
    } else if (next === 'x' && /^[0-9A-Fa-f]/.test(field[i + 1] ?? '')) {
      const hex = /^[0-9A-Fa-f]{1,2}/.exec(field.slice(i + 1))![0];
      out += String.fromCharCode(parseInt(hex, 16));
      i += hex.length;
    } else out += next;
  }
  return out;
}

export function encodeField(value: string | null): string {
  if (value === null) return COPY_NULL;
  if (!ANY_SPECIAL.test(value)) return value;
  return value.replace(NEEDS_ENCODING, (c) => ENCODE[c]!);
}
