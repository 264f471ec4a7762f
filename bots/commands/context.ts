// What every command runs with (who is asking, where, with which request key) and what it answers:
// apart from dispatch.ts so the command modules it calls can name them without importing it back.

import type { Database } from '../../db/client.js';
import type { Actor, IncidentSource, Severity } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import type * as msg from '../../workflows/incident/messages.js';
import type { TemporalContext } from '../workflow-client.js';
import type { IncidentListing } from './list.js';

export interface CommandContext extends TemporalContext {
  actor: Actor;
  source: IncidentSource;
  /** The incident the text named, or the one the channel/issue implies. */
  incident?: string;
  /**
   * The request, as its front-end identifies it (Slack trigger_id, GitHub comment or delivery, CLI
   * key): the declaration's key and every update's ID derive from it, so a replay has one effect.
   */
  idempotencyKey: string;
  sourceRef?: string;
  defaultSeverity?: Severity;
  /** Postgres and the policy, for listings that read the database (`actions`). */
  db?: Database;
  policy?: Policy;
  /** A GitHub issue a declaration from it is linked to (by the declaration workflow). */
  linkIssue?: string;
}

export type Reply =
  | { ok: true; text: string; incident?: string; view?: msg.IncidentView; incidents?: IncidentListing[] }
  | { ok: false; text: string };
