// What Firebreak needs from a flag system, and the HTTP error handling both providers share:
// business errors (missing flag, refused request) are non-retryable by type, rate limits tell
// Temporal how long to wait, everything else is retried by the activity's policy.

import { ApplicationFailure } from '@temporalio/common';
import type { FlagChange, FlagProviderKind, FlagRef } from '../../domain/flags.js';
import type { ChangeNote } from '../../workflows/incident/messages.js';

export interface FlagProvider {
  readonly kind: FlagProviderKind;
  /** The flag's on/off state in `ref.environment`; throws FlagNotFound. */
  isEnabled(ref: FlagRef): Promise<boolean>;
  /** On/off changes in `ref.environment`, oldest first, at most `limit` of the newest. */
  history(ref: FlagRef, limit: number): Promise<FlagChange[]>;
  /** Switches the flag and records `note` with the change. */
  setEnabled(ref: FlagRef, enabled: boolean, note: ChangeNote): Promise<void>;
  /** Whether a change annotated with `note.key` is already recorded (an earlier attempt applied it). */
  hasNote(ref: FlagRef, note: ChangeNote): Promise<boolean>;
}

export type FlagProviders = Partial<Record<FlagProviderKind, FlagProvider>>;

export function flagNotFound(ref: FlagRef, detail = ''): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'FlagNotFound',
    message: `${ref.provider} has no flag "${ref.flag}" in project ${ref.project} (environment ${ref.environment})${detail ? `: ${detail}` : ''}.`,
    nonRetryable: true,
  });
}

/** Turns a non-2xx answer into the failure Temporal should see. */
export async function failureFor(res: Response, ref: FlagRef, what: string, retryDelayMs?: number): Promise<ApplicationFailure> {
  const body = (await res.text().catch(() => '')).slice(0, 300);
  if (res.status === 404) return flagNotFound(ref, body);
  if (res.status === 429) {
    return ApplicationFailure.create({
      type: 'FlagRateLimited',
      message: `${ref.provider} rate limit while trying to ${what}; retrying after ${Math.ceil((retryDelayMs ?? 1000) / 1000)}s.`,
      nextRetryDelay: Math.max(retryDelayMs ?? 1000, 100),
    });
  }
  if (res.status >= 400 && res.status < 500) {
    return ApplicationFailure.create({
      type: 'FlagRequestRejected',
      message: `${ref.provider} refused to ${what} (${res.status}): ${body || res.statusText}`,
      nonRetryable: true,
    });
  }
  return ApplicationFailure.create({ type: 'FlagProviderError', message: `${ref.provider} failed to ${what} (${res.status}): ${body || res.statusText}` });
}

/** A provider request never hangs an activity: Temporal's timeout is the outer bound, this the inner. */
export const REQUEST_TIMEOUT_MS = 10_000;
