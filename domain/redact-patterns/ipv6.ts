// IPv6 addresses: runs of address characters, judged in code so that clock times, MAC addresses,
// hashes and `std::map` stay readable.

import type { Marker, Rule } from './rule.js';

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

export const ipv6Rule: Rule = {
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
