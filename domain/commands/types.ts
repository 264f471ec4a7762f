// The typed result of parsing one command of the grammar in DESIGN.md §3. Every front-end (Slack,
// GitHub comments, CLI) parses with the same parser and dispatches on `kind`.

import type { Role, Severity } from '../incident.js';
import type { ComponentChange, PublicUpdateVerb } from '../statuspage.js';

/**
 * Someone named in a command: a Slack mention (`<@U123>` or `<@U123|alice>`) or a plain handle
 * (`@alice`, a Slack display name or a GitHub login). The policy's teams resolve it to a person.
 */
export type PersonRef = { kind: 'slack'; id: string; label?: string } | { kind: 'handle'; handle: string };

export type ListScope = 'open' | 'all';
export type Priority = 'P1' | 'P2' | 'P3';
export type ActionsFilter =
  | { kind: 'mine' }
  | { kind: 'overdue' }
  | { kind: 'team'; team: string }
  | { kind: 'owner'; owner: PersonRef }
  | { kind: 'all' };

export type Command =
  | { kind: 'help'; topic?: string }
  /** description: only the CLI's --description sets it; the grammar has no place for one. */
  | { kind: 'declare'; title?: string; severity?: Severity; services: string[]; description?: string; private?: boolean }
  | { kind: 'status' }
  /** A member adds someone to a private incident. */
  | { kind: 'invite'; person: PersonRef }
  /** `private` or `public`: the incident's privacy. */
  | { kind: 'privacy'; private: boolean }
  | { kind: 'list'; scope: ListScope; severity?: Severity; services: string[] }
  | { kind: 'severity'; severity: Severity; reason?: string }
  | { kind: 'role'; role: Role; person: PersonRef }
  | { kind: 'update'; text: string }
  | { kind: 'note'; text: string }
  | { kind: 'mitigated'; text?: string }
  | { kind: 'resolve'; text?: string }
  | { kind: 'reopen'; text?: string }
  | { kind: 'access-request'; capabilities: string[]; durationSeconds: number; reason: string }
  | { kind: 'access-approve'; grant: string; reason?: string }
  | { kind: 'access-deny'; grant: string; reason?: string }
  | { kind: 'access-revoke'; grant: string; reason?: string }
  | { kind: 'access-extend'; grant: string; durationSeconds: number; reason?: string }
  | { kind: 'sandbox-create'; release?: string; seed?: number; ttlSeconds?: number; source?: string }
  | { kind: 'sandbox-extend'; sandbox: string; durationSeconds: number }
  | { kind: 'sandbox-destroy'; sandbox: string }
  | { kind: 'sandbox-recreate'; sandbox: string }
  /** Several flags roll back together as one saga: all or none. */
  | { kind: 'flag-rollback'; flags: string[]; environment?: string; reason?: string }
  | { kind: 'flag-restore'; flag: string }
  | { kind: 'flag-list' }
  | { kind: 'postmortem'; owner?: PersonRef }
  | { kind: 'postmortem-publish' }
  | { kind: 'postmortem-approve' }
  | { kind: 'action-add'; text: string; owner: PersonRef; due: string; priority: Priority }
  | { kind: 'action-done'; item: string }
  | { kind: 'action-reopen'; item: string }
  | { kind: 'action-assign'; item: string; person: PersonRef }
  | { kind: 'actions'; filter: ActionsFilter }
  /** A public status page update: explicit, never derived from the internal timeline. */
  | { kind: 'statuspage'; verb: PublicUpdateVerb; components: ComponentChange[]; text: string }
  /** Exactly one of service and team. */
  | { kind: 'page'; service?: string; team?: string; reason?: string }
  | { kind: 'task-add'; text: string; owner?: PersonRef }
  | { kind: 'task-done'; task: string }
  | { kind: 'task-reopen'; task: string }
  | { kind: 'task-assign'; task: string; person: PersonRef }
  | { kind: 'task-waive'; task: string; reason: string }
  | { kind: 'tasks' }
  /** What an automation rule would do for the incident now, without doing it. */
  | { kind: 'rules-test'; rule: string };

export type CommandKind = Command['kind'];

export type ParseResult =
  | {
      ok: true;
      command: Command;
      /** `INC-N` when the text named an incident; otherwise the front-end's context implies one. */
      incident?: string;
    }
  | {
      ok: false;
      /** One sentence saying what was wrong, e.g. "`sev` needs a level from 1 to 4." */
      error: string;
      /** The usage line(s) of the subcommand that failed, or of every subcommand when unknown. */
      usage: string;
      /** The subcommand word the text started with, when it was recognised. */
      subcommand?: string;
    };
