// Built-in detectors for domain/redact.ts.
//
// Each rule rewrites one stretch of text that holds no placeholder. Rules must stay roughly linear
// on hostile input (a 1 MB log line, a runaway digit string): every quantifier is bounded, regexes
// open with a lookbehind so a long run of letters or digits is tried from its first position only,
// and the detectors that would need backtracking (keys, e-mail, IPv6, cards) scan in code.

/**
 * Writes the placeholder for one sensitive span: `kind` names the detector, `value` is the span
 * itself, so a redactor scoped to an incident can give equal values equal tokens (redact.ts).
 */
export type Marker = (kind: string, value: string) => string;

export interface Rule {
  readonly kind: string;
  apply(text: string, mark: Marker): string;
}

export const placeholder = (kind: string): string => `[REDACTED:${kind}]`;
/** The marker of an unscoped redactor: the kind alone. */
export const plainMarker: Marker = (kind) => placeholder(kind);

/** Returns the replacement, or undefined to leave this match as it was. */
type Replacer = (match: string, groups: readonly string[], mark: Marker) => string | undefined;

export function regexRule(kind: string, pattern: RegExp, replacer?: Replacer): Rule {
  const flags = pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`;
  const re = new RegExp(pattern.source, flags);
  // `(?:…)|` matches the empty string, so exec tells how many capture groups the pattern has.
  const groupCount = (new RegExp(`${pattern.source}|`, flags.replace('g', '')).exec('') ?? ['']).length - 1;
  return {
    kind,
    apply(text: string, mark: Marker): string {
      return text.replace(re, (match: string, ...rest: unknown[]) => {
        // Lookaround-only patterns can match nothing; replacing that would insert tags forever.
        if (match === '') return match;
        if (!replacer) return mark(kind, match);
        const groups = rest.slice(0, groupCount).map((g) => (typeof g === 'string' ? g : ''));
        return replacer(match, groups, mark) ?? match;
      });
    },
  };
}

// --- validators --------------------------------------------------------------------------------

function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const IPV4_TAIL = /(?:^|:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** A real IPv6 address, so that clock times (`10:30:45`) and MAC addresses are left alone. */
function isIpv6(candidate: string): boolean {
  let text = candidate;
  const v4 = IPV4_TAIL.exec(text);
  if (v4) {
    if (v4.slice(1).some((octet) => Number(octet) > 255)) return false;
    // An embedded IPv4 address stands for the last two 16-bit groups.
    text = `${text.slice(0, text.length - v4[0].length)}${v4[0].startsWith(':') ? ':' : ''}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return false;
  const groups = (half: string | undefined): string[] => (half ? half.split(':') : []);
  const all = [...groups(halves[0]), ...groups(halves[1])];
  if (!all.every((g) => HEX_GROUP.test(g))) return false;
  // The bare unspecified address `::` says nothing and is common punctuation (`name :: Type`).
  if (all.length === 0) return false;
  return halves.length === 2 ? all.length <= 7 : all.length === 8;
}

const TRAILING_GROUP = /[ .-]\d+$/;

/**
 * An international number is 7–15 digits. The pattern also swallows numbers written after it
 * (`+15551234567 00`); rejecting the whole match would leave the phone readable, so trailing groups
 * are given back until the rest fits.
 */
function redactInternationalPhone(match: string, _groups: readonly string[], mark: Marker): string | undefined {
  let head = match;
  let digits = head.replace(/\D/g, '').length;
  while (digits > 15) {
    const tail = TRAILING_GROUP.exec(head);
    if (!tail) return undefined;
    head = head.slice(0, tail.index);
    digits = head.replace(/\D/g, '').length;
  }
  return digits >= 7 ? mark('phone', head) + match.slice(head.length) : undefined;
}

// --- private keys --------------------------------------------------------------------------------

// Found by scanning rather than one lazy regex: a lazy `BEGIN[\s\S]*?END` is quadratic when a text
// holds many BEGIN lines and no END.
const PK_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
const PK_END = /-----END [A-Z0-9 ]{0,40}PRIVATE KEY(?: BLOCK)?-----/g;
// A key cut off by truncation still has its body redacted: base64, PEM headers, escaped newlines.
const PK_BODY = /[A-Za-z0-9+/=\s:,\\-]{0,16384}/y;

const privateKeyRule: Rule = {
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

// --- e-mail and IPv6: scanned by hand ----------------------------------------------------------

// Anchored on the `@domain` and walked back over the local part: a regex that starts from each
// local-part character costs 64 steps per character on long dotted runs (`a.b.c.…`).
const EMAIL_DOMAIN = /@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,127}[A-Za-z]{2,63}(?![A-Za-z0-9-])/g;
const EMAIL_LOCAL = /[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]/;
// Legal in a local part, but in logs they usually delimit the value (`email=a@b.c`, `'a@b.c'`,
// `{a@b.c}`): the address starts after the last of them, unless nothing would be left.
const EMAIL_DELIMITER = /[='/?{}|`]/;

const emailRule: Rule = {
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

// Maximal runs of address characters, judged in code. The longest address with an IPv4 tail is 45
// characters; a run that reaches 64 is part of something else (a hash, a colon-separated dump).
const IPV6_RUN = /[0-9A-Fa-f:.]{2,64}/g;
const RUN_CHAR = /[0-9A-Fa-f:.]/;
const WORD_CHAR = /[0-9A-Za-z_]/;

function ipv6Span(run: string, before: string, after: string): [number, number] | undefined {
  let start = 0;
  let end = run.length;
  // Glued to a word (`id:fe80::1`, `std::map`, `fe80::1x`): the piece up to the colon is that word's.
  if (WORD_CHAR.test(before)) start = run.indexOf(':') + 1;
  if (WORD_CHAR.test(after)) end = run.lastIndexOf(':');
  if (run.startsWith(':', start) && !run.startsWith('::', start)) start++;
  while (end > start && run.charAt(end - 1) === '.') end--;
  // A colon right after the address (`fe80::1: unreachable`) is punctuation, not a group.
  if (run.charAt(end - 1) === ':' && run.charAt(end - 2) !== ':') end--;
  return end > start && isIpv6(run.slice(start, end)) ? [start, end] : undefined;
}

const ipv6Rule: Rule = {
  kind: 'ipv6',
  apply(text: string, mark: Marker): string {
    if (!text.includes(':')) return text;
    return text.replace(IPV6_RUN, (run: string, offset: number) => {
      if (run.indexOf(':') === run.lastIndexOf(':')) return run;
      const before = text.charAt(offset - 1);
      const after = text.charAt(offset + run.length);
      if (RUN_CHAR.test(before) || RUN_CHAR.test(after)) return run;
      const span = ipv6Span(run, before, after);
      return span ? `${run.slice(0, span[0])}${mark('ipv6', run.slice(span[0], span[1]))}${run.slice(span[1])}` : run;
    });
  },
};

// --- card numbers ----------------------------------------------------------------------------------

// Runs of digit groups joined by single spaces or dashes; a card is a span of whole groups. A regex
// that rejects a candidate after matching (Luhn fails) would have consumed the digits, so
// `2 4000000000006` would hide the card behind the stray `2`; spans are tried in code instead.
const DIGIT_RUN = /[0-9]+(?:[ -][0-9]+)*/g;

function isCard(digits: string): boolean {
  // Issuer prefixes 2–6 only: 13- and 19-digit epoch timestamps (ms, ns) start with 1 and pass Luhn
  // one time in ten.
  return digits.length >= 13 && digits.length <= 19 && digits.charCodeAt(0) >= 50 && digits.charCodeAt(0) <= 54 && luhnValid(digits);
}

/** Index of the last group of the longest card starting at group `i`, or -1. */
function longestCardFrom(groups: readonly string[], i: number): number {
  let digits = '';
  let best = -1;
  for (let j = i; j < groups.length; j++) {
    digits += groups[j];
    if (digits.length > 19) break;
    if (isCard(digits)) best = j;
  }
  return best;
}

const cardRule: Rule = {
  kind: 'card',
  apply(text: string, mark: Marker): string {
    return text.replace(DIGIT_RUN, (run: string) => {
      if (run.length < 13) return run;
      const groups = run.split(/[ -]/);
      const seps = run.match(/[ -]/g) ?? [];
      let out = '';
      for (let i = 0; i < groups.length; ) {
        const end = longestCardFrom(groups, i);
        // Prefer a later card that reaches further, so a stray number in front does not take the
        // card's first groups and leave its last ones readable.
        let overtaken = false;
        for (let k = i + 1; k <= end && !overtaken; k++) overtaken = longestCardFrom(groups, k) > end;
        if (end >= 0 && !overtaken) {
          out += mark('card', groups.slice(i, end + 1).join('')) + (seps[end] ?? '');
          i = end + 1;
        } else {
          out += (groups[i] ?? '') + (seps[i] ?? '');
          i++;
        }
      }
      return out;
    });
  },
};

// --- the rules ------------------------------------------------------------------------------------

const SEP = String.raw`["']?\s{0,8}[:=]\s{0,8}["']?`;
const AUTH_SCHEMES = 'basic|bearer|digest|negotiate|ntlm|token|apikey|aws4-hmac-sha256';
const BARE_SCHEME = new RegExp(`^(?:${AUTH_SCHEMES})$`, 'i');
const NOT_A_VALUE = /^(?:null|undefined|true|false|none|nil)$/i;
const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;

/** Keeps `key` and `sep` (groups 1 and 2) readable and marks the value (group 3). */
const keepKey = (kind: string) => (_m: string, [key, sep, value]: readonly string[], mark: Marker) =>
  `${key ?? ''}${sep ?? ''}${mark(kind, value ?? '')}`;

/**
 * Order matters. Whole secrets go first, so that a looser pattern never redacts a slice of one and
 * leaves the rest readable: PEM bodies and JWT segments are long base64 runs in which the token,
 * card and phone patterns can find matches. URL credentials come before e-mail, because
 * `user:pass@host.com` also looks like an address (and e-mail would swallow the host). Keyed
 * secrets (`Authorization:`, `password=`) run after vendor tokens so those keep their precise label.
 * Policy patterns run next (see redact.ts), before the loose PII heuristics. Among those, cards come
 * before phones (both are digit runs; Luhn is the stronger signal), IPv6 before IPv4 (an address may
 * end in a dotted quad) and IPv4 before phones (dotted digit groups).
 */
export const SECRET_RULES: readonly Rule[] = [
  privateKeyRule,
  regexRule('jwt', /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{2,8192}\.[A-Za-z0-9_-]{2,65536}\.[A-Za-z0-9_-]{0,8192}/),
  regexRule(
    'password-in-url',
    /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{0,31}:\/\/)[^\s:/?#@[\]]{0,256}:[^\s/?#[\]]{1,256}@/,
    (m, [scheme], mark) => `${scheme ?? ''}${mark('password-in-url', m.slice((scheme ?? '').length, -1))}@`,
  ),
  regexRule(
    'bearer',
    new RegExp(`(?<![A-Za-z0-9_-])((?:proxy-)?authori[sz]ation)(${SEP})((?:${AUTH_SCHEMES})\\s{1,8})?([^\\s"',;[\\]]{1,8192})`, 'i'),
    (_m, [key, sep, scheme, value], mark) =>
      // `Authorization: Bearer [REDACTED:jwt]` must not lose the word Bearer as if it were the value.
      !scheme && BARE_SCHEME.test(value ?? '') ? undefined : `${key}${sep}${scheme ?? ''}${mark('bearer', value ?? '')}`,
  ),
  regexRule('secret', new RegExp(`(?<![A-Za-z0-9_-])((?:set-)?cookie)(["']?\\s{0,8}:\\s{0,8}["']?)([^\\s"'[\\]][^\\r\\n"'[\\]]{0,8191})`, 'i'), keepKey('secret')),
  regexRule('bearer', /(?<![A-Za-z0-9_-])(bearer)(\s{1,8})([A-Za-z0-9._~+/=-]{8,8192})/i, (_m, [word, space, raw], mark) => {
    const token = (raw ?? '').replace(/\.+$/, '');
    // Prose such as "Bearer authentication" is not a credential; real tokens have digits or symbols.
    const looksIssued = token.length >= 20 || /[0-9._~+/=-]/.test(token);
    if (token.length < 8 || !looksIssued) return undefined;
    return `${word}${space}${mark('bearer', token)}${(raw ?? '').slice(token.length)}`;
  }),
  regexRule('slack-token', /(?<![A-Za-z0-9])(?:xox[abeoprs]|xapp)-[A-Za-z0-9-]{8,512}/),
  regexRule('slack-token', /(https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9_/-]{8,512}/, (m, [prefix], mark) => `${prefix}${mark('slack-token', m.slice((prefix ?? '').length))}`),
  regexRule('github-token', /(?<![A-Za-z0-9])(?:gh[pousr]_[A-Za-z0-9]{20,255}|github_pat_[A-Za-z0-9_]{20,255})/),
  regexRule('aws-access-key', /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/),
  regexRule(
    'aws-secret-key',
    new RegExp(`(?<![A-Za-z0-9])(aws[_-]?secret[_-]?(?:access[_-]?)?key|secret[_-]?access[_-]?key)(${SEP})([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])`, 'i'),
    keepKey('aws-secret-key'),
  ),
  regexRule(
    'secret',
    new RegExp(
      `(?<![A-Za-z0-9_-])([A-Za-z0-9_-]{0,40}?(?:password|passwd|passphrase|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?|cookie))(${SEP})([^\\s"'&,;[\\]{}<>]{1,1024})`,
      'i',
    ),
    (m, groups, mark) => (NOT_A_VALUE.test(groups[2] ?? '') ? undefined : keepKey('secret')(m, groups, mark)),
  ),
];

export const PII_RULES: readonly Rule[] = [
  emailRule,
  cardRule,
  ipv6Rule,
  // Every IPv4 address goes, private ranges included: internal topology is sensitive too, and a
  // port after it (`[REDACTED:ipv4]:5432`) survives. Loopback and 0.0.0.0 name no one and no host,
  // and hiding them makes "cannot reach 127.0.0.1:7233" useless, so they stay.
  regexRule('ipv4', new RegExp(String.raw`(?<![0-9A-Za-z_.])${OCTET}(?:\.${OCTET}){3}(?![0-9A-Za-z_]|\.\d)`), (m, _groups, mark) =>
    m.startsWith('127.') || m === '0.0.0.0' ? m : mark('ipv4', m),
  ),
  // International: a leading + and 7–15 digits in groups (`+14155552671`, `+44 20 7946 0958`). The
  // lookbehind keeps UTC offsets (`…34+05:30`) and diff counts glued to digits out.
  regexRule('phone', /(?<![0-9A-Za-z_+])\+[1-9]\d{0,2}(?:[ .-]?\(\d{1,4}\))?[ .-]?\d{1,14}(?:[ .-]\d{1,14}){0,5}(?![0-9])/, redactInternationalPhone),
  // North American national formats need separators and NANP digit rules (area and exchange codes
  // start 2–9), which keeps ISO dates, versions and bare numbers out.
  regexRule('phone', /(?<![0-9A-Za-z_+./-])(?:1[ .-])?(?:\([2-9]\d{2}\) ?|[2-9]\d{2}[.-])[2-9]\d{2}[.-]\d{4}(?![0-9A-Za-z_]|[.-]\d)/),
  // Trunk-prefixed national formats: `020 7946 0958`, `01 23 45 67 89`.
  regexRule('phone', /(?<![0-9A-Za-z_+./-])(?:0\d{2,4}[ -]\d{3,4}[ -]\d{3,4}|0[1-9](?:[ .]\d{2}){4})(?![0-9A-Za-z_]|[.-]\d)/),
];
