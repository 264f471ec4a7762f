// Parsers for private incidents (issue 17 §1): `invite @user` adds someone to a private incident,
// `private` makes the incident private, `public` makes it public again (the commander only).

import { noMore, type ParseArgs } from './args.js';
import { fail, parsePerson } from './values.js';

export const invite: ParseArgs = (args) => {
  const [personWord, ...extra] = args;
  const person = personWord === undefined ? undefined : parsePerson(personWord.text);
  if (person === undefined) return fail('`invite` needs a person, like `invite @alice`.');
  noMore(extra, '`invite` takes one person');
  return { kind: 'invite', person };
};

export const makePrivate: ParseArgs = (args) => {
  noMore(args, '`private` takes nothing but an incident key, like `INC-3 private`');
  return { kind: 'privacy', private: true };
};

export const makePublic: ParseArgs = (args) => {
  noMore(args, '`public` takes nothing but an incident key, like `INC-3 public`');
  return { kind: 'privacy', private: false };
};
