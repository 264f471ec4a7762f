// Flag activities: the declaration-time snapshot, the steps of a rollback saga (prepare, apply and
// verify by reading back), the rollback rows, and the error-rate check after a rollback.

import { ApplicationFailure } from '@temporalio/common';
import { findFlag, rollbackTarget, type FlagChange, type FlagRef, type FlagRollbackRecord, type FlagRollbackWrite, type Target } from '../../domain/flags.js';
import type { Policy } from '../../domain/policy/index.js';
import type { Redactor } from '../../domain/redact.js';
import type { Database } from '../../db/client.js';
import { getFlagRollback, listFlagRollbacks, listFlagSnapshots, saveFlagRollback, saveFlagSnapshots } from '../../db/queries/flags.js';
import type { Logger } from '../../platform/logger.js';
import type { ChangeNote, ErrorRateVerdict, FlagListing, SnapshotEntry } from '../../workflows/incident/messages.js';
import type { FlagProvider, FlagProviders } from './provider.js';
import { snapshotText } from './snapshot.js';
import { createErrorRateCheck } from './verify.js';

export { createLaunchDarklyProvider } from './launchdarkly.js';
export { flagProvidersFrom } from './providers.js';
export { createUnleashProvider } from './unleash.js';
export type { FlagProvider, FlagProviders } from './provider.js';

export interface FlagActivityDeps {
  db: Database;
  policy: () => Policy;
  redactor: Redactor;
  logger: Logger;
  providers: FlagProviders;
  /** Prometheus-compatible HTTP API for verification; without it rollbacks are not verified. */
  prometheusUrl?: string;
}

const HISTORY_LIMIT = 50;
const SNAPSHOT_CHANGES = 3;

export function createFlagActivities(deps: FlagActivityDeps) {
  const { db, redactor } = deps;

  function provider(ref: FlagRef): FlagProvider {
    const found = deps.providers[ref.provider];
    if (found) return found;
    const env = ref.provider === 'unleash' ? 'UNLEASH_URL and UNLEASH_ADMIN_TOKEN' : 'LAUNCHDARKLY_API_TOKEN';
    throw ApplicationFailure.create({ type: 'FlagProviderMissing', message: `${ref.provider} is not configured on this Firebreak; set ${env}.`, nonRetryable: true });
  }

  async function snapshotOne(service: string, ref: FlagRef): Promise<SnapshotEntry> {
    try {
      const p = provider(ref);
      const [enabled, recent] = await Promise.all([p.isEnabled(ref), p.history(ref, SNAPSHOT_CHANGES)]);
      return { service, ref, enabled, recent };
    } catch (err) {
      return { service, ref, recent: [], error: err instanceof Error ? err.message : String(err) };
    }
  }

  const check = createErrorRateCheck(deps.prometheusUrl);

  return {
    /** Reads every flag of the incident's services once; a flag that cannot be read is noted, not fatal. */
    async snapshotIncidentFlags(input: { incident: string; services: string[]; at: string }): Promise<{ text: string; flags: SnapshotEntry[] }> {
      const policy = deps.policy();
      const wanted = input.services.flatMap((service) =>
        (policy.services[service]?.flags?.names ?? []).flatMap((name) => {
          const found = findFlag(policy, [service], name);
          return found.ok ? [{ service, ref: { provider: found.flag.provider, project: found.flag.project, environment: found.flag.environment, flag: name } }] : [];
        }),
      );
      // A flag system this Firebreak is not connected to is a deployment choice, not news for the incident.
      const flags = await Promise.all(wanted.filter((w) => deps.providers[w.ref.provider]).map((w) => snapshotOne(w.service, w.ref)));
      await saveFlagSnapshots(
        db,
        flags.map((f) => ({ incidentKey: input.incident, service: f.service, ...f.ref, enabled: f.enabled ?? null, recentChanges: f.recent, error: f.error ?? null, takenAt: input.at })),
      );
      const scoped = redactor.forIncident(input.incident);
      return { text: scoped.redact(snapshotText(flags, input.at)), flags: scoped.redactDeep(flags) };
    },

    /** The flag's state now and the state a rollback should set, from its history. */
    async prepareFlagRollback(input: { ref: FlagRef; killSwitch: boolean; startedAt: string }): Promise<{ current: boolean; target: Target; recent: FlagChange[] }> {
      const p = provider(input.ref);
      const [current, history] = await Promise.all([p.isEnabled(input.ref), p.history(input.ref, HISTORY_LIMIT)]);
      const target = rollbackTarget({ flag: input.ref.flag, environment: input.ref.environment, killSwitch: input.killSwitch, history, startedAt: input.startedAt, current });
      return { current, target, recent: history.slice(-SNAPSHOT_CHANGES) };
    },

    /**
     * Sets the flag (read before write: already there means nothing to do, unless an earlier attempt
     * of this very change did it) and reads it back. A read-back that disagrees fails the step.
     */
    async applyFlagChange(input: { ref: FlagRef; enabled: boolean; note: ChangeNote }): Promise<{ changed: boolean; from: boolean }> {
      const p = provider(input.ref);
      const note = { ...input.note, text: redactor.redact(input.note.text) };
      const current = await p.isEnabled(input.ref);
      if (current === input.enabled) {
        const ours = await p.hasNote(input.ref, note);
        return { changed: ours, from: ours ? !input.enabled : current };
      }
      await p.setEnabled(input.ref, input.enabled, note);
      const readBack = await p.isEnabled(input.ref);
      if (readBack !== input.enabled) {
        throw ApplicationFailure.create({
          type: 'FlagVerificationFailed',
          message: `${input.ref.flag} still reads ${readBack ? 'on' : 'off'} in ${input.ref.environment} after Firebreak turned it ${input.enabled ? 'on' : 'off'}.`,
          nonRetryable: true,
        });
      }
      return { changed: true, from: current };
    },

    async saveFlagRollback(input: { row: FlagRollbackWrite; at: string }): Promise<void> {
      await saveFlagRollback(db, { ...input.row, reason: redactor.forIncident(input.row.incidentKey).redact(input.row.reason) }, input.at);
    },

    async getFlagRollback(input: { incident: string; flag: string; environment: string }): Promise<FlagRollbackRecord | undefined> {
      const row = await getFlagRollback(db, input.incident, input.flag, input.environment);
      if (!row) return undefined;
      // The same JSON the row always became on its way into the history, now with a type of its own.
      return { ...row, rolledBackAt: isoOrNull(row.rolledBackAt), restoredAt: isoOrNull(row.restoredAt), updatedAt: row.updatedAt.toISOString() };
    },

    /** The declaration snapshot beside each flag's state now, its latest changes and what the incident did. */
    async listIncidentFlags(input: { incident: string; services: string[] }): Promise<FlagListing[]> {
      const [snapshots, rollbacks] = await Promise.all([listFlagSnapshots(db, input.incident), listFlagRollbacks(db, input.incident)]);
      const seen = new Map(snapshots.map((s) => [`${s.flag}@${s.environment}`, { service: s.service, ref: { provider: s.provider, project: s.project, environment: s.environment, flag: s.flag } as FlagRef }]));
      for (const r of rollbacks) seen.set(`${r.flag}@${r.environment}`, { service: r.service, ref: { provider: r.provider, project: r.project, environment: r.environment, flag: r.flag } as FlagRef });
      return Promise.all(
        [...seen.entries()].map(async ([key, { service, ref }]) => {
          const live = await snapshotOne(service, ref);
          const snap = snapshots.find((s) => `${s.flag}@${s.environment}` === key);
          const rollback = rollbacks.find((r) => `${r.flag}@${r.environment}` === key);
          return {
            flag: ref.flag,
            environment: ref.environment,
            provider: ref.provider,
            service,
            ...(snap?.enabled != null ? { atDeclaration: snap.enabled } : {}),
            ...(live.enabled !== undefined ? { now: live.enabled } : {}),
            recent: live.error ? (snap?.recentChanges ?? []) : live.recent,
            ...(rollback ? { status: rollback.status } : {}),
            ...(live.error ? { error: live.error } : {}),
          };
        }),
      );
    },

    /** The service's error rate at the rollback and now; `improved` is undefined when it cannot tell. */
    async checkErrorRate(input: { query: string; before: string; after: string }): Promise<ErrorRateVerdict> {
      return check(input);
    },
  };
}

export type FlagActivities = ReturnType<typeof createFlagActivities>;

function isoOrNull(at: Date | null): string | null {
  return at ? at.toISOString() : null;
}
