// Built-in detectors for domain/redact.ts.
//
// Each rule rewrites one stretch of text that holds no placeholder. Rules must stay roughly linear
// on hostile input (a 1 MB log line, a runaway digit string): every quantifier is bounded, regexes
// open with a lookbehind so a long run of letters or digits is tried from its first position only,
// and the detectors that would need backtracking (keys, e-mail, IPv6, cards) scan in code.

import { PII_RULES } from './pii.js';
import { SECRET_RULES } from './secrets.js';

export { placeholder, plainMarker, regexRule, type Marker, type Rule } from './rule.js';
export { PII_RULES, SECRET_RULES };
