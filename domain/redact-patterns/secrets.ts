// Whole secrets: keys, tokens, credentials in URLs and headers, and values under secret-sounding keys.

import { privateKeyRule } from './private-key.js';
import { regexRule, type Marker, type Rule } from './rule.js';

const SEP = String.raw`["']?\s{0,8}[:=]\s{0,8}["']?`;
const AUTH_SCHEMES = 'basic|bearer|digest|negotiate|ntlm|token|apikey|aws4-hmac-sha256';
const BARE_SCHEME = new RegExp(`^(?:${AUTH_SCHEMES})$`, 'i');
const NOT_A_VALUE = /^(?:null|undefined|true|false|none|nil)$/i;

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
