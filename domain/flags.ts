// Feature-flag rollback rules, pure: which flag a name refers to, what state a rollback returns it
// to (from the provider's change history), how a change is annotated, and how a saga undoes itself.

import type { Actor } from './incident.js';
import type { Policy, ServiceFlags } from './policy/index.js';

export type FlagProviderKind = ServiceFlags['provider'];

/** One flag in one environment of one provider project. */
export interface FlagRef {
  provider: FlagProviderKind;
  project: string;
  environment: string;
  flag: string;
}

/** One on/off change from the provider's history. */
export interface FlagChange {
  at: string;
  environment: string;
  enabled: boolean;
  /** Who the provider says made it (a person, or the API token's name). */
  by: string;
  /** The annotation recorded with it, if any (Firebreak's own changes carry one). */
  note?: string;
}

/** A flag as the service's policy describes it, with the rollback options that apply to it. */
export interface PlannedFlag extends FlagRef {
  service: string;
  killSwitch: boolean;
  approvalRequired: boolean;
  verifyAfterSeconds?: number;
  errorRateQuery?: string;
}

export type FlagLookup = { ok: true; flag: PlannedFlag } | { ok: false; reason: string };

/**
 * Finds `flag` among the flags the policy lists, the incident's services first (two services may
 * list the same name on different providers; the incident's own is the one meant).
 */
export function findFlag(policy: Policy, services: readonly string[], flag: string, environment?: string): FlagLookup {
  const names = Object.keys(policy.services);
  const ordered = [...services.filter((s) => names.includes(s)), ...names.filter((s) => !services.includes(s))];
  for (const service of ordered) {
    const svc = policy.services[service]!;
    const flags = svc.flags;
    if (!flags?.names.includes(flag)) continue;
    return {
      ok: true,
      flag: {
        service,
        provider: flags.provider,
        project: flags.project,
        environment: environment ?? flags.environment,
        flag,
        killSwitch: flags.killSwitches.includes(flag),
        approvalRequired: flags.approvalRequired,
        ...(flags.verifyAfterSeconds !== undefined ? { verifyAfterSeconds: flags.verifyAfterSeconds } : {}),
        ...(svc.errorRateQuery ? { errorRateQuery: svc.errorRateQuery } : {}),
      },
    };
  }
  return { ok: false, reason: `No service in the policy lists a flag "${flag}"; add it to services.<name>.flags.names, or check the spelling.` };
}

export type Target = { ok: true; enabled: boolean; because: string; lastChange?: FlagChange } | { ok: false; reason: string };

/**
 * The state to roll back to: off for a kill switch; otherwise the state before the last change in
 * the environment that happened before the incident started. Changes after the start are people
 * already mitigating, not the cause.
 */
export function rollbackTarget(input: { flag: string; environment: string; killSwitch: boolean; history: readonly FlagChange[]; startedAt: string; current: boolean }): Target {
  if (input.killSwitch) return { ok: true, enabled: false, because: 'kill switch' };
  const start = Date.parse(input.startedAt);
  const before = input.history
    .filter((c) => c.environment === input.environment && Date.parse(c.at) <= start)
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const last = before.at(-1);
  if (!last) {
    return { ok: false, reason: `${input.flag} did not change in ${input.environment} before the incident started, so there is no earlier state to return to.` };
  }
  return { ok: true, enabled: !last.enabled, because: `before ${last.by} turned it ${onOff(last.enabled)} at ${last.at}`, lastChange: last };
}

export function onOff(enabled: boolean): 'on' | 'off' {
  return enabled ? 'on' : 'off';
}

/** What the flag system records with every change Firebreak makes. */
export function changeNote(incident: string, person: string, reason: string): string {
  return `Firebreak ${incident} by ${person}: ${reason}`.slice(0, 500);
}

/** The reason a rollback records; `emergency:` at its start is the commander's bypass (see isEmergency). */
export const EMERGENCY_PREFIX = /^emergency(:|\s|$)\s*/i;

export function isEmergency(reason: string | undefined): boolean {
  return reason !== undefined && EMERGENCY_PREFIX.test(reason.trim());
}

export function withoutEmergency(reason: string | undefined): string | undefined {
  const rest = reason?.trim().replace(EMERGENCY_PREFIX, '').trim();
  return rest ? rest : undefined;
}

/** A step of a saga that changed something, and how to undo it. */
export interface AppliedStep {
  ref: FlagRef;
  from: boolean;
  to: boolean;
}

/** Compensations run newest first, each returning its flag to the state it had before the saga. */
export function compensations(applied: readonly AppliedStep[]): AppliedStep[] {
  return [...applied].reverse().map((s) => ({ ref: s.ref, from: s.to, to: s.from }));
}

/** The ChildSummary id of a flag in an incident: the same flag in two environments is two children. */
export function flagChildId(ref: Pick<FlagRef, 'flag' | 'environment'>): string {
  return `${ref.flag}@${ref.environment}`;
}

/** The first words of the question the incident asks on resolve; the Slack notifier renders buttons for it. */
export const FLAG_QUESTION = 'Keep or restore';

/** Activity failure types a retry cannot fix (activities/flags/provider.ts throws them). */
export const FLAG_ERRORS = ['FlagNotFound', 'FlagRequestRejected', 'FlagProviderMissing', 'FlagVerificationFailed'] as const;

export type FlagStatus = 'snapshot' | 'awaiting approval' | 'rolled back' | 'restored' | 'kept' | 'failed' | 'awaiting decision';

/**
 * A flag rollback's row as the incident's saga writes it. It is an activity input, so it is in the
 * incident's history: defined here, below the saga that sends it and the query that stores it.
 */
export interface FlagRollbackWrite {
  incidentKey: string;
  flag: string;
  environment: string;
  provider: string;
  project: string;
  service: string;
  /** `awaiting approval`, `rolled back`, `restored`, `kept`, `failed`, `awaiting decision`. */
  status: string;
  /** State before the rollback (what restore returns to); null until it is known. */
  previousEnabled: boolean | null;
  targetEnabled: boolean;
  changed: boolean;
  requestedBy: Actor;
  approvedBy?: Actor | null;
  emergency: boolean;
  reason: string;
  rolledBackAt?: string | null;
  restoredAt?: string | null;
}

/**
 * A stored flag rollback as the incident's saga reads it back (an activity result, so in the
 * incident's history): the row's fields, its times as ISO strings, which is how they arrive.
 */
export interface FlagRollbackRecord extends Omit<FlagRollbackWrite, 'approvedBy' | 'rolledBackAt' | 'restoredAt'> {
  approvedBy: Actor | null;
  rolledBackAt: string | null;
  restoredAt: string | null;
  updatedAt: string;
}
