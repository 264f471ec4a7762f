// Private incidents: adding people (`invite @user`) and making an incident private or public again.
// Part of the incident's contract; re-exported by ../messages.ts.

import { defineUpdate } from '@temporalio/workflow';
import type { Actor } from '../../../domain/incident.js';
import type { ActorInput } from './actor.js';

export interface InviteInput extends ActorInput {
  person: Actor;
}
export interface SetPrivacyInput extends ActorInput {
  private: boolean;
}

/** What the front-end tells the person who asked. */
export interface PrivacyResult {
  incident: string;
  private: boolean;
  text: string;
}

/** A member adds someone to a private incident (guests and people outside it are refused). */
export const inviteUpdate = defineUpdate<PrivacyResult, [InviteInput]>('invite');
/** `private` (a member who may edit details) or `public` (only the commander). */
export const setPrivacyUpdate = defineUpdate<PrivacyResult, [SetPrivacyInput]>('setPrivacy');
