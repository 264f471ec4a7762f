// `rules test RULE [INC-N]`: what an automation rule of the policy would do for an incident now,
// without doing it. Whether the rule exists is the policy's business, answered by the front-end.

import { incidentIn, keyword, noMore, type Context, type ParseArgs } from './args.js';
import type { Token } from './tokenize.js';
import { fail, show } from './values.js';

const EXAMPLE = '`rules test night-sev1 INC-4`';
const RULE_KEY = /^[a-z][a-z0-9-]{0,62}$/;

export const rules: ParseArgs = (args: Token[], ctx: Context) => {
  const [verbWord, ruleWord, ...rest] = args;
  if (!keyword(verbWord, ['test'] as const)) fail(`\`rules\` needs \`test\` and a rule key, as in ${EXAMPLE}.`);
  if (ruleWord === undefined) return fail(`\`rules test\` needs a rule key, as in ${EXAMPLE}.`);
  if (ruleWord.quoted || !RULE_KEY.test(ruleWord.text)) return fail(`\`${show(ruleWord.text)}\` is not a rule key; name a rule of the policy, as in ${EXAMPLE}.`);
  const key = incidentIn(rest[0]);
  if (key !== undefined) {
    if (ctx.incident !== undefined && ctx.incident !== key) fail(`The command names two incidents, \`${ctx.incident}\` and \`${key}\`; name just one.`);
    ctx.incident = key;
  }
  noMore(key === undefined ? rest : rest.slice(1), `\`rules test\` takes a rule key and an incident, as in ${EXAMPLE}`);
  return { kind: 'rules-test', rule: ruleWord.text };
};
