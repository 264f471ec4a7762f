// `statuspage open|update|resolve [component:NAME status:STATE]… TEXT…`: what customers read on the
// public status page. Each component is followed by its state; the rest is the public text. Which
// components exist is the policy's business, checked by the incident workflow; the grammar checks
// that every word is in its place and every state is one the page knows.

import { COMPONENT_STATES, isComponentState, MAX_PUBLIC_TEXT, PUBLIC_UPDATE_VERBS, type ComponentChange } from '../statuspage.js';
import { keyword, optionKey, type ParseArgs } from './args.js';
import { joinText, type Token } from './tokenize.js';
import { fail, show } from './values.js';

const EXAMPLE = '`statuspage open component:Checkout status:partial Card payments fail for some customers`';
const COMPONENT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const STATES_TEXT = COMPONENT_STATES.join(', ');

function valueOf(token: Token, key: string): string {
  const value = token.text.slice(key.length + 1);
  if (value === '') fail(`\`${key}:\` needs a value right after the colon, like \`${key === 'status' ? 'status:degraded' : 'component:Checkout'}\`.`);
  return value;
}

function readChanges(args: readonly Token[]): { changes: ComponentChange[]; rest: Token[] } {
  const changes: ComponentChange[] = [];
  const rest: Token[] = [];
  for (let i = 0; i < args.length; i++) {
    const token = args[i]!;
    const key = token.quoted ? undefined : optionKey(token.text, ['component', 'status']);
    if (key === undefined) {
      rest.push(token);
      continue;
    }
    if (key === 'status') fail(`\`${show(token.text)}\` must follow the component it is about, like \`component:Checkout status:degraded\`.`);
    const component = valueOf(token, 'component');
    if (!COMPONENT_NAME.test(component)) fail(`\`component:${show(component)}\` is not a component name; use a name from the policy's statusPage.components.`);
    const next = args[i + 1];
    const nextKey = next === undefined || next.quoted ? undefined : optionKey(next.text, ['status']);
    if (next === undefined || nextKey === undefined) fail(`\`component:${show(component)}\` needs its state right after it, like \`component:${show(component)} status:degraded\` (${STATES_TEXT}).`);
    const state = valueOf(next, 'status').toLowerCase();
    if (!isComponentState(state)) fail(`\`status:${show(state)}\` is not a component state; use one of ${STATES_TEXT}.`);
    if (changes.some((c) => c.component.toLowerCase() === component.toLowerCase())) fail(`\`component:${show(component)}\` appears twice; give each component one state.`);
    changes.push({ component, state });
    i++;
  }
  return { changes, rest };
}

export const statuspage: ParseArgs = (args) => {
  const verb = keyword(args[0], PUBLIC_UPDATE_VERBS);
  if (verb === undefined) fail(`\`statuspage\` needs open, update or resolve first, as in ${EXAMPLE}.`);
  const { changes, rest } = readChanges(args.slice(1));
  // Resolving puts every component of the public incident back to operational; a state there would contradict it.
  if (verb === 'resolve' && changes.length > 0) fail('`statuspage resolve` sets every component back to operational; leave out component: and status:.');
  if (verb === 'open' && changes.length === 0) fail(`\`statuspage open\` needs at least one \`component:NAME status:STATE\`, as in ${EXAMPLE}.`);
  const text = joinText(rest);
  if (!text) fail(`\`statuspage ${verb}\` needs the text customers will read, as in ${EXAMPLE}.`);
  if (text.length > MAX_PUBLIC_TEXT) fail(`A public update may be at most ${MAX_PUBLIC_TEXT} characters; this one is ${text.length}.`);
  return { kind: 'statuspage', verb, components: changes, text };
};
