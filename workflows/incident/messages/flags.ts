// The incident's flag messages: roll back (a saga over one or more flags), approve, restore,
// decide keep|restore after resolve, list; and what the saga's activities take and return.
// Part of the incident's contract; re-exported by ../messages.ts.

import { defineUpdate } from '@temporalio/workflow';
import type { FlagChange, FlagProviderKind, FlagRef, FlagStatus } from '../../../domain/flags.js';
import type { ActorInput } from './actor.js';

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

// What the flag saga hands its activities and gets back, and so writes into the incident's history.

/** The annotation of one change: its text, and a key that makes re-applying it a no-op. */
export interface ChangeNote {
  /** `Firebreak INC-N by <person>: <reason>` */
  text: string;
  /** `INC-N/<flag>/<seq>`: unique per incident, flag and incident event. */
  key: string;
}

/** One flag as the declaration-time snapshot saw it. */
export interface SnapshotEntry {
  service: string;
  ref: FlagRef;
  enabled?: boolean;
  recent: FlagChange[];
  error?: string;
}

/** Whether a rollback helped, from the service's error rate at the rollback and now. */
export interface ErrorRateVerdict {
  before?: number;
  after?: number;
  /** Undefined when there is no Prometheus, or the expression returned no sample. */
  improved?: boolean;
  text: string;
}

export const rollbackFlagsUpdate = defineUpdate<FlagResult, [RollbackFlagsInput]>('rollbackFlags');
export const approveFlagRollbackUpdate = defineUpdate<FlagResult, [FlagInput]>('approveFlagRollback');
export const restoreFlagUpdate = defineUpdate<FlagResult, [FlagInput]>('restoreFlag');
export const decideFlagUpdate = defineUpdate<FlagResult, [DecideFlagInput]>('decideFlag');
export const listFlagsUpdate = defineUpdate<FlagListing[], [ActorInput]>('listFlags');
