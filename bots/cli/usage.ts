// What `firebreak` accepts, kept free of imports beyond node:util so `firebreak --help` (and a
// usage error) answer without loading the Temporal client, the database driver or the policy.

import { parseArgs } from 'node:util';

export const USAGE = `Usage:
  firebreak declare TITLE… [--sev 1-4] [--service NAME]… [--description TEXT] [--idempotency-key KEY]
  firebreak status INC-N
  firebreak list [open|all] [--sev 1-4] [--service NAME]…
  firebreak run "<command>" [--incident INC-N] [--idempotency-key KEY]   any /incident command, e.g. run "INC-3 sev 1 spreading"
  firebreak audit verify|seal [--idempotency-key KEY]   check every audit chain and checkpoint; seal a checkpoint now
  firebreak webhooks replay SUBSCRIBER [--since ISO|DURATION]   send a webhook subscriber its undelivered events (or all since) again
Every command takes --json. Environment: TEMPORAL_ADDRESS (127.0.0.1:7233), TEMPORAL_NAMESPACE,
TEMPORAL_TASK_QUEUE, FIREBREAK_ENCRYPTION_KEYS (the service's keys), DATABASE_URL and FIREBREAK_CONFIG (audit verify|seal, actions, action done|reopen|assign),
FIREBREAK_USER (who you are; default $USER), FIREBREAK_IDEMPOTENCY_KEY (as --idempotency-key: a retry
with the same key has no second effect).`;

export const CLI_OPTIONS = {
  sev: { type: 'string' },
  service: { type: 'string', multiple: true },
  description: { type: 'string' },
  'idempotency-key': { type: 'string' },
  incident: { type: 'string' },
  since: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `firebreak`, `firebreak help`, `firebreak --help`: answered here; anything unparsable goes on to the command, which explains it. */
export function wantsHelp(argv: string[]): boolean {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: CLI_OPTIONS, allowPositionals: true, strict: true });
    return !positionals[0] || positionals[0] === 'help' || Boolean(values.help);
  } catch {
    return false;
  }
}
