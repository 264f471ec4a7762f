// The incident workflow's flag updates: roll back (a saga over one or more flags), approve a rollback
// that needs a second person, restore, decide keep|restore after resolve, and list.

import { defineUpdate } from '@temporalio/workflow';
import type { FlagChange, FlagProviderKind, FlagStatus } from '../../domain/flags.js';
import type { ActorInput } from '../incident/messages.js';

export interface RollbackFlagsInput extends ActorInput {
  /** One or more flag names; several form a saga: all are rolled back, or none stays changed. */
  flags: string[];
  environment?: string;
  reason?: string;
  /** The commander's explicit bypass of a required approval; recorded as `flag.emergency_bypass`. */
  emergency?: boolean;
}

export interface FlagInput extends ActorInput {
  flag: string;
  environment?: string;
}

export interface DecideFlagInput extends FlagInput {
  decision: 'keep' | 'restore';
}

export interface FlagOutcome {
  flag: string;
  environment: string;
  provider: FlagProviderKind;
  status: FlagStatus;
  /** What the step did, in one sentence. */
  text: string;
}

export interface FlagResult {
  ok: boolean;
  text: string;
  flags: FlagOutcome[];
}

export interface FlagListing {
  flag: string;
  environment: string;
  provider: FlagProviderKind;
  service: string;
  atDeclaration?: boolean;
  now?: boolean;
  recent: FlagChange[];
  status?: string;
  error?: string;
}

export const rollbackFlagsUpdate = defineUpdate<FlagResult, [RollbackFlagsInput]>('rollbackFlags');
export const approveFlagRollbackUpdate = defineUpdate<FlagResult, [FlagInput]>('approveFlagRollback');
export const restoreFlagUpdate = defineUpdate<FlagResult, [FlagInput]>('restoreFlag');
export const decideFlagUpdate = defineUpdate<FlagResult, [DecideFlagInput]>('decideFlag');
export const listFlagsUpdate = defineUpdate<FlagListing[], [ActorInput]>('listFlags');
