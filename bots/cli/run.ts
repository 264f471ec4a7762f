// The `firebreak` commands (bots/cli/main.ts loads this only for a command, not for help). Talks to
// Temporal like Slack and GitHub do; only `audit verify` and the action-item commands read the
// database directly.

import { randomUUID } from 'node:crypto';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import type { Client, Connection } from '@temporalio/client';
import { parseCommand } from '../../domain/commands/parse.js';
import type { Command } from '../../domain/commands/types.js';
import { parseIncidentKey } from '../../domain/ids.js';
import { severityFromNumber, type Actor } from '../../domain/incident.js';
import { redact, type Redactor } from '../../domain/redact.js';
import type { Reply } from '../commands/dispatch.js';
import { replyIncident, replyRedactor } from '../render/redaction.js';
import { renderIncident, renderListing } from '../render/text.js';
import { AUDIT_SUBCOMMANDS, auditCommand, type AuditSubcommand } from './audit.js';
import { readFileSync } from 'node:fs';
import { neutraliseForTerminal } from '../../domain/terminal.js';
import { connectDatabase } from '../../db/client.js';
import { DatabaseUnavailableError, explainDatabaseFailure } from '../../db/connection-problem.js';
import { parsePolicy, type Policy } from '../../domain/policy/index.js';
import { ConfigError, loadCliConfig, type CliConfig } from '../../platform/config/index.js';
import { configureRedactionTokens } from '../../platform/redaction-key.js';
import { locatePolicy, notFoundMessage } from './policy-file.js';
import { CLI_OPTIONS, USAGE } from './usage.js';
import { parseWebhooksArgs, webhooksCommand } from './webhooks.js';

class UsageError extends Error {}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: CLI_OPTIONS, allowPositionals: true, strict: true });
  const [verb, ...rest] = positionals;
  if (!verb || verb === 'help' || values.help) {
    console.log(USAGE);
    return 0;
  }
  if (verb === 'webhooks') return webhooks(rest, values);
  const auditSub = AUDIT_SUBCOMMANDS.find((s) => s === rest[0]);
  if (verb === 'audit' && (!auditSub || rest.length > 1)) throw new UsageError('Use `firebreak audit verify` or `firebreak audit seal`.');
  const request = verb === 'audit' ? undefined : toCommand(verb, rest, values);
  const config = loadConfig();
  try {
    if (!request) return await auditCommand(auditSub as AuditSubcommand, config.databaseUrl, { json: Boolean(values.json), ...(values['idempotency-key'] ? { idempotencyKey: values['idempotency-key'] } : {}) });
    return await send(config, request, values);
  } catch (failure) {
    // audit verify and the action-item commands read Postgres: a server that is down or refuses the
    // login is one line naming DATABASE_URL, not the driver's dump.
    throw config.databaseUrl ? unsetDatabaseHint(explainDatabaseFailure(failure, config.databaseUrl), config) : failure;
  }
}

/** With DATABASE_URL unset the CLI tried the development database, as `npm start` does: say so. */
function unsetDatabaseHint(err: unknown, config: CliConfig): unknown {
  if (!(err instanceof DatabaseUnavailableError) || !config.databaseUrlDefaulted) return err;
  return new DatabaseUnavailableError(`${err.message}; DATABASE_URL is not set, so the CLI used the development database ${config.databaseUrl} as npm start does: set DATABASE_URL to the service's database.`);
}

/** `firebreak webhooks replay …`: started as a workflow, so the worker does the sending. */
async function webhooks(rest: string[], values: { since?: string; json?: boolean; 'idempotency-key'?: string }): Promise<number> {
  const request = parseWebhooksArgs(rest, values);
  if ('problem' in request) throw new UsageError(request.problem);
  const config = loadConfig();
  const requestKey = cliRequestKey(values['idempotency-key'] ?? config.idempotencyKey);
  return webhooksCommand(request, { actor: cliActor(config.user), requestKey, json: Boolean(values.json), connect: (work) => withClient(config, work) });
}

/** The environment, read once by the platform's loader; a bad variable is a one-line usage error. */
function loadConfig(): CliConfig {
  try {
    return loadCliConfig(process.env);
  } catch (err) {
    throw err instanceof ConfigError ? new UsageError(err.message) : err;
  }
}

async function send(config: CliConfig, { command, incident }: { command: Command; incident?: string }, values: { 'idempotency-key'?: string; json?: boolean }): Promise<number> {
  // The same redaction tokens as the service prints, when the CLI has the service's keys.
  configureRedactionTokens(config);
  const local = command.kind === 'actions' || command.kind.startsWith('action-') ? openLocalData(config) : undefined;
  // The policy's redaction patterns apply to what the CLI prints too, when the policy is at hand.
  const policy = local?.policy ?? readPolicyIfPresent(config);
  try {
    // Loaded per command: `audit verify|seal` needs neither the Temporal client nor the dispatcher.
    const { runCommand } = await import('../commands/dispatch.js');
    const reply = await withClient(config, (ctx) =>
      runCommand(
        {
          ...ctx,
          actor: cliActor(config.user),
          source: 'cli',
          incident,
          idempotencyKey: cliRequestKey(values['idempotency-key'] ?? config.idempotencyKey),
          ...(local ? { db: local.handle.db } : {}),
          ...(policy ? { policy } : {}),
        },
        command,
      ),
    );
    // Redacted once, here, with the policy's patterns when the policy is at hand.
    return print(reply, Boolean(values.json), replyRedactor(policy, replyIncident(reply) ?? incident));
  } finally {
    await local?.handle.close();
  }
}

/**
 * One invocation is one request: its key names the declaration and every update it sends, so a
 * script that retries after a timeout passes the same key (flag or FIREBREAK_IDEMPOTENCY_KEY) and
 * gets the first answer instead of a second effect.
 */
function cliRequestKey(given: string | undefined): string {
  if (given !== undefined && !/^[\w.:-]{1,100}$/.test(given)) throw new UsageError('--idempotency-key must be 1 to 100 letters, digits, ".", ":", "_" or "-".');
  return `cli:${given || randomUUID()}`;
}

export function toCommand(verb: string, rest: string[], values: { sev?: string; service?: string[]; description?: string; private?: boolean; incident?: string }): { command: Command; incident?: string } {
  const severity = values.sev === undefined ? undefined : severityFromNumber(Number(values.sev.replace(/^sev/i, '')));
  if (values.sev !== undefined && !severity) throw new UsageError(`--sev must be 1 to 4, not "${values.sev}".`);
  switch (verb) {
    case 'declare': {
      // `declare private Payroll export…` as in Slack; a title that starts with the word is quoted
      // by the shell ("private beta is down") and arrives as one argument.
      const leadingPrivate = rest.length > 1 && rest[0] === 'private';
      const words = leadingPrivate ? rest.slice(1) : rest;
      if (words.length === 0) throw new UsageError('Give the incident a title: firebreak declare "Checkout returns 502" --sev 2.');
      const isPrivate = leadingPrivate || values.private === true;
      return {
        command: { kind: 'declare', title: words.join(' '), severity, services: values.service ?? [], ...(values.description ? { description: values.description } : {}), ...(isPrivate ? { private: true } : {}) },
      };
    }
    case 'status': {
      const incident = parseIncidentKey(rest[0] ?? values.incident ?? '');
      if (!incident) throw new UsageError('Name the incident: firebreak status INC-12.');
      return { command: { kind: 'status' }, incident };
    }
    case 'list': {
      const scope = rest[0] ?? 'open';
      if (scope !== 'open' && scope !== 'all') throw new UsageError('List `open` or `all` incidents.');
      return { command: { kind: 'list', scope, severity, services: values.service ?? [] } };
    }
    case 'run': {
      const parsed = parseCommand(rest.join(' '));
      if (!parsed.ok) throw new UsageError(`${parsed.error}\n${parsed.usage}`);
      const named = values.incident === undefined ? undefined : parseIncidentKey(values.incident);
      if (values.incident !== undefined && !named) throw new UsageError(`--incident must look like INC-12, not "${values.incident}".`);
      return { command: parsed.command, incident: parsed.incident ?? named };
    }
    default:
      throw new UsageError(`Unknown command "${verb}".\n${USAGE}`);
  }
}

/**
 * `actions` lists from Postgres and `action done ACT-N` finds its incident there: with the
 * database (DATABASE_URL, or the development default) and the policy file the CLI reads them directly.
 */
function openLocalData(config: CliConfig): { handle: ReturnType<typeof connectDatabase>; policy: Policy } | undefined {
  if (!config.databaseUrl) return undefined;
  const location = locatePolicy(config.policyPath);
  if (!location.found) throw new UsageError(notFoundMessage(location.searched));
  let text: string;
  try {
    text = readFileSync(location.path, 'utf8');
  } catch {
    throw new UsageError(`${location.path}: cannot read the policy file; set FIREBREAK_CONFIG to its path.`);
  }
  return { handle: connectDatabase(config.databaseUrl, { max: 1 }), policy: parsePolicy(text, location.path) };
}

function readPolicyIfPresent(config: CliConfig): Policy | undefined {
  const location = locatePolicy(config.policyPath);
  if (!location.found) return undefined;
  try {
    return parsePolicy(readFileSync(location.path, 'utf8'), location.path);
  } catch {
    return undefined;
  }
}

function cliActor(user: string | undefined): Actor {
  const id = user ?? userInfo().username;
  return { source: 'cli', id, name: id };
}

async function withClient<T>({ temporal, encryptionKeys }: CliConfig, work: (ctx: { client: Client; taskQueue: string }) => Promise<T>): Promise<T> {
  const { address, namespace, taskQueue } = temporal;
  // The service encrypts its payloads; without its keys the CLI could not read an incident.
  const [{ Client, Connection }, { firebreakDataConverter }] = await Promise.all([import('@temporalio/client'), import('../../platform/codec.js')]);
  const dataConverter = firebreakDataConverter(encryptionKeys);
  let connection: Connection;
  try {
    connection = await Connection.connect({ address, connectTimeout: '5s' });
  } catch (err) {
    throw new UsageError(`Cannot reach Temporal at ${address} (${(err as Error).message}); is \`npm start\` running?`);
  }
  try {
    const client = new Client({ connection, namespace, dataConverter });
    return await work({ client, taskQueue });
  } finally {
    await connection.close();
  }
}

/** Redacted, then inert for a terminal: replies quote titles, notes and what people typed. */
function print(reply: Reply, json: boolean, redactor: Redactor): number {
  const out = (text: string) => neutraliseForTerminal(redactor.redact(text));
  if (json) {
    console.log(out(JSON.stringify(reply, null, 2)));
    return reply.ok ? 0 : 1;
  }
  if (!reply.ok) {
    console.error(out(reply.text));
    return 1;
  }
  if (reply.incidents) console.log(out(renderListing(reply.incidents)));
  else {
    if (reply.text) console.log(out(reply.text));
    if (reply.view) console.log(out(renderIncident(reply.view)));
  }
  return 0;
}

export function runCli(argv: string[]): Promise<never> {
  return main(argv).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof UsageError || err instanceof DatabaseUnavailableError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
        console.error(neutraliseForTerminal(redact(err.message)));
        process.exit(1);
      }
      console.error(neutraliseForTerminal(redact(`firebreak: ${err instanceof Error ? err.message : String(err)}`)));
      process.exit(2);
    },
  );
}
