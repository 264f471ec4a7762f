// Payment card numbers: digit groups that pass Luhn with an issuer prefix, tried span by span.

import type { Marker, Rule } from './rule.js';

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

export const cardRule: Rule = {
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
