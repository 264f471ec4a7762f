// Checks a declaration before it gets a number, so a typo in a service name is caught while the
// person is still looking at their screen, not after an incident exists.

import { isSeverity } from './incident.js';

export const MAX_TITLE_LENGTH = 200;

export interface DeclarationFields {
  title: string;
  severity: string;
  services: string[];
}

/** One sentence saying what to fix, or undefined when the declaration is fine. */
export function declarationProblem(input: DeclarationFields, knownServices: readonly string[]): string | undefined {
  const title = input.title.trim();
  if (!title) return 'An incident needs a title that says what is broken, e.g. "Checkout returns 502".';
  if (title.length > MAX_TITLE_LENGTH) return `The title is ${title.length} characters; keep it under ${MAX_TITLE_LENGTH}.`;
  if (!isSeverity(input.severity)) return `Severity must be SEV1 to SEV4, not "${input.severity}".`;
  const unknown = input.services.filter((s) => !knownServices.includes(s));
  if (unknown.length > 0) {
    const known = knownServices.length > 0 ? knownServices.join(', ') : 'none are configured';
    return `Unknown service${unknown.length > 1 ? 's' : ''} ${unknown.map((s) => `"${s}"`).join(', ')}; known services: ${known}.`;
  }
  return undefined;
}
