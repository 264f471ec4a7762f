// What `firebreak` accepts, kept free of imports beyond node:util so `firebreak --help` (and a
// usage error) answer without loading the Temporal client, the database driver or the policy.

import { parseArgs } from 'node:util';

export const USAGE = `Usage:
  firebreak declare [private] TITLE… [--sev 1-4] [--service NAME]… [--description TEXT] [--private] [--idempotency-key KEY]
  firebreak status INC-N
  firebreak list [open|all] [--sev 1-4] [--service NAME]…
  firebreak run "<command>" [--incident INC-N] [--idempotency-key KEY]   any /incident command, e.g. run "INC-3 sev 1 spreading"
  firebreak audit verify|seal [--idempotency-key KEY]   check every audit chain and checkpoint; seal a checkpoint now
  firebreak webhooks replay SUBSCRIBER [--since ISO|DURATION]   send a webhook subscriber its undelivered events (or all since) again
  firebreak completion bash|zsh|fish   print a shell completion script, e.g. source <(firebreak completion bash)
  firebreak --version
Every command takes --json. Environment: TEMPORAL_ADDRESS (127.0.0.1:7233), TEMPORAL_NAMESPACE,
TEMPORAL_TASK_QUEUE, FIREBREAK_ENCRYPTION_KEYS (the service's keys), DATABASE_URL (audit verify|seal, actions,
action done|reopen|assign; default postgres://postgres@127.0.0.1:5432/firebreak as for npm start), FIREBREAK_CONFIG
(the policy file; unset, firebreak.config.yaml in this folder or one above it up to the project root,
then $XDG_CONFIG_HOME/firebreak/, then the folder firebreak is installed in),
FIREBREAK_USER (who you are; default $USER), FIREBREAK_IDEMPOTENCY_KEY (as --idempotency-key: a retry
with the same key has no second effect).`;

export const CLI_OPTIONS = {
  sev: { type: 'string' },
  service: { type: 'string', multiple: true },
  description: { type: 'string' },
  private: { type: 'boolean' },
  'idempotency-key': { type: 'string' },
  incident: { type: 'string' },
  since: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

/** What bots/cli/main.ts answers without loading a command: help, the version, a completion script. */
export type QuickAnswer = { kind: 'help' } | { kind: 'version' } | { kind: 'completion'; shell?: string };

/**
 * `firebreak`, `firebreak help`, `firebreak --help`, `firebreak --version`, `firebreak completion
 * SHELL`: answered here; anything unparsable goes on to the command, which explains it.
 */
export function quickAnswer(argv: string[]): QuickAnswer | undefined {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: CLI_OPTIONS, allowPositionals: true, strict: true });
    if (values.help) return { kind: 'help' };
    if (values.version) return { kind: 'version' };
    if (!positionals[0] || positionals[0] === 'help') return { kind: 'help' };
    if (positionals[0] === 'completion') return { kind: 'completion', ...(positionals.length === 2 ? { shell: positionals[1] } : {}) };
    return undefined;
  } catch {
    return undefined;
  }
}
