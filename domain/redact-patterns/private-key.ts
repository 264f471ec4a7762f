// Private keys in PEM form, whole or cut off by truncation.

import type { Marker, Rule } from './rule.js';

// Found by scanning rather than one lazy regex: a lazy `BEGIN[\s\S]*?END` is quadratic when a text
// holds many BEGIN lines and no END.
const PK_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
const PK_END = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
// A key cut off by truncation still has its body redacted: base64, PEM headers, escaped newlines.
const PK_BODY = /[A-Za-z0-9+/=\s:,\\-]{0,16384}/y;

export const privateKeyRule: Rule = {
  kind: 'private-key',
  apply(text: string, mark: Marker): string {
    if (!text.includes('PRIVATE KEY')) return text;
    let out = '';
    let last = 0;
    let endMissing = false;
    PK_BEGIN.lastIndex = 0;
    for (let begin = PK_BEGIN.exec(text); begin; begin = PK_BEGIN.exec(text)) {
      const bodyStart = PK_BEGIN.lastIndex;
      let stop = -1;
      if (!endMissing) {
        PK_END.lastIndex = bodyStart;
        const end = PK_END.exec(text);
        if (end) stop = end.index + end[0].length;
        else endMissing = true;
      }
      if (stop < 0) {
        PK_BODY.lastIndex = bodyStart;
        stop = bodyStart + (PK_BODY.exec(text)?.[0].length ?? 0);
      }
      out += text.slice(last, begin.index) + mark('private-key', text.slice(begin.index, stop));
      last = stop;
      PK_BEGIN.lastIndex = stop;
    }
    return out + text.slice(last);
  },
};
