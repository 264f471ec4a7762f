// What the unit tests of the command grammar and the policy sections ask of them: a text that must
// parse (or be refused, with the reason), and the fixture policy they read their examples from.

import { readFileSync } from 'node:fs';
import { parseCommand } from '../../domain/commands/index.js';
import { parsePolicy, type Policy } from '../../domain/policy/index.js';

/** The command `text` parses to; throws when it is refused. */
export function parsed(text: string) {
  const r = parseCommand(text);
  if (!r.ok) throw new Error(`expected ${text} to parse: ${r.error}`);
  return r;
}

/** Why `text` is refused, and the usage shown with it; throws when it parses. */
export function refused(text: string): { error: string; usage: string } {
  const r = parseCommand(text);
  if (r.ok) throw new Error(`expected ${text} to be refused`);
  return r;
}

/** test/fixtures/policy.yaml as written, for tests that vary it. */
export const FIXTURE_POLICY_TEXT = readFileSync(new URL('../fixtures/policy.yaml', import.meta.url), 'utf8');

/** test/fixtures/policy.yaml, parsed. */
export function fixturePolicy(): Policy {
  return parsePolicy(FIXTURE_POLICY_TEXT, 'policy.yaml');
}

/** The message a policy text is refused with; throws when it parses. */
export function policyError(text: string): string {
  try {
    parsePolicy(text, 'policy.yaml');
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the policy to be refused');
}
