// Personal data, found by looser heuristics than secrets: e-mail, cards, IP addresses, phone numbers.

import { cardRule } from './card.js';
import { emailRule } from './email.js';
import { ipv6Rule } from './ipv6.js';
import { regexRule, type Marker, type Rule } from './rule.js';

const OCTET = String.raw`(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)`;

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

/** In this order for the reasons given above SECRET_RULES (secrets.ts). */
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
