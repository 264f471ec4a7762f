// What the incident sends when someone is given a role the policy writes instructions for: one DM
// to its holder with the instructions and the incident's links (activities/slack/role-instructions.ts).

import type { Actor, Severity } from '../../../domain/incident.js';

export interface RoleInstructionsInput {
  incident: string;
  /** The `role` event's key (`INC-N:<seq>`): the DM is sent once per assignment. */
  eventKey: string;
  role: string;
  holder: Actor;
  instructions: string;
  /** As people wrote it: the activity redacts and escapes it. */
  title: string;
  severity: Severity;
}

export interface RoleInstructionsResult {
  /** `slack` when the DM went out; `none` when there was no way to send it (no Slack, nobody to DM). */
  sent: 'slack' | 'none';
  problem?: string;
}
