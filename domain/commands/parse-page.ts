// `page SERVICE|@team [REASON…]`: wake the on-call of a service, or of every paged service a team
// owns, from inside an incident. Whether the service or team pages at all is the policy's business,
// checked by the incident workflow; the grammar checks that a service or @team comes first and the
// reason fits in a page.

import { MAX_PAGE_REASON } from '../paging.js';
import type { ParseArgs } from './args.js';
import { joinText } from './tokenize.js';
import { fail, show } from './values.js';

const EXAMPLE = '`page payments Database down, checkout failing`';
const TEAM_EXAMPLE = '`page @payments Database down`';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;

export const page: ParseArgs = (args) => {
  const [first, ...reasonWords] = args;
  if (first === undefined) fail(`\`page\` needs the service or @team to page first, as in ${EXAMPLE} or ${TEAM_EXAMPLE}.`);
  const team = !first.quoted && first.text.startsWith('@') ? first.text.slice(1) : undefined;
  if (team !== undefined && !NAME.test(team)) fail(`\`${show(first.text)}\` is not a team name; page a team from the policy, as in ${TEAM_EXAMPLE}.`);
  if (team === undefined && (first.quoted || !NAME.test(first.text))) fail(`\`${show(first.text)}\` is not a service name; page a service from the policy, as in ${EXAMPLE}.`);
  const reason = joinText(reasonWords);
  if (reason.length > MAX_PAGE_REASON) fail(`A page's reason may be at most ${MAX_PAGE_REASON} characters; this one is ${reason.length}.`);
  const target = team !== undefined ? { team } : { service: first.text };
  return { kind: 'page', ...target, ...(reason ? { reason } : {}) };
};
