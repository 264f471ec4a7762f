// `page SERVICE [REASON…]`: wake the on-call of a service through PagerDuty from inside an incident.
// Whether the service pages at all is the policy's business, checked by the incident workflow; the
// grammar checks that a service name comes first and the reason fits in a page.

import { MAX_PAGE_REASON } from '../paging.js';
import type { ParseArgs } from './args.js';
import { joinText } from './tokenize.js';
import { fail, show } from './values.js';

const EXAMPLE = '`page payments Database down, checkout failing`';
const SERVICE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export const page: ParseArgs = (args) => {
  const [first, ...reasonWords] = args;
  if (first === undefined) fail(`\`page\` needs the service to page first, as in ${EXAMPLE}.`);
  if (first.text.startsWith('@')) fail(`Paging a person or team (\`${show(first.text)}\`) is not built yet; page a service, as in ${EXAMPLE}.`);
  if (first.quoted || !SERVICE_NAME.test(first.text)) fail(`\`${show(first.text)}\` is not a service name; page a service from the policy, as in ${EXAMPLE}.`);
  const reason = joinText(reasonWords);
  if (reason.length > MAX_PAGE_REASON) fail(`A page's reason may be at most ${MAX_PAGE_REASON} characters; this one is ${reason.length}.`);
  return { kind: 'page', service: first.text, ...(reason ? { reason } : {}) };
};
