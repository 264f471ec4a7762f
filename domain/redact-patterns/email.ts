// E-mail addresses, scanned by hand rather than by one regex.

import type { Marker, Rule } from './rule.js';

// Anchored on the `@domain` and walked back over the local part: a regex that starts from each
// local-part character costs 64 steps per character on long dotted runs (`a.b.c.…`).
const EMAIL_DOMAIN = /@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,127}[A-Za-z]{2,63}(?![A-Za-z0-9-])/g;
const EMAIL_LOCAL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]/;
// Legal in a local part, but in logs they usually delimit the value (`email=a@b.c`, `'a@b.c'`,
// `{a@b.c}`): the address starts after the last of them, unless nothing would be left.
const EMAIL_DELIMITER = /[='/?{}|`]/;

export const emailRule: Rule = {
  kind: 'email',
  apply(text: string, mark: Marker): string {
    if (!text.includes('@')) return text;
    let out = '';
    let last = 0;
    for (const m of text.matchAll(EMAIL_DOMAIN)) {
      let start = m.index;
      while (start > last && m.index - start < 64 && EMAIL_LOCAL.test(text.charAt(start - 1))) start--;
      if (start === m.index) continue;
      for (let i = m.index - 1; i > start; i--) {
        if (EMAIL_DELIMITER.test(text.charAt(i - 1))) {
          start = i;
          break;
        }
      }
      out += text.slice(last, start) + mark('email', text.slice(start, m.index + m[0].length));
      last = m.index + m[0].length;
    }
    return out + text.slice(last);
  },
};
