// How grants reach people. Each front-end (Slack DMs, GitHub, the CLI) supplies an AccessNotifier;
// the provider activities hand credentials to them directly, so a secret never passes through the
// workflow, its history, the database, a channel or a log.

import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../../db/client.js';
import type { Actor } from '../../domain/incident.js';
import type { AccessNoticeBase, PublicAccessNotice } from '../../workflows/access/messages.js';
import { once } from '../shared/once.js';

/**
 * The secret itself, for the requester only: deliver it by DM or ephemeral message. `secret` holds
 * what the provider issued (a connection URL and password, a bearer token); nothing else may keep it.
 */
export type CredentialsNotice = Omit<AccessNoticeBase, 'view'> & {
  kind: 'credentials';
  requester: Actor;
  provider: 'token' | 'postgres' | 'github-team';
  capabilities: string[];
  expiresAt: string;
  /** What the holder reads; contains no secret. */
  summary: string;
  secret?: Record<string, string>;
};

export type AccessNotice = PublicAccessNotice | CredentialsNotice;

export interface AccessNotifier {
  name: string;
  notify(notice: AccessNotice): Promise<void>;
  /** Whether this notifier can hand the requester a secret privately (a Slack DM); absent = never. */
  canReachPrivately?(requester: Actor): boolean;
}

/** Keeps notices in memory and writes nothing anywhere: for tests and for the CLI's own session. */
export function createRecordingAccessNotifier(name = 'recorder'): AccessNotifier & { notices: AccessNotice[] } {
  const notices: AccessNotice[] = [];
  return {
    name,
    notices,
    canReachPrivately: () => true,
    async notify(notice) {
      notices.push(notice);
    },
  };
}

export function createAccessNotifyActivities({ db, notifiers }: { db: Database; notifiers: AccessNotifier[] }) {
  return {
    /** Delivers one workflow notice to every notifier once, even when a later notifier forces a retry. */
    async publishAccessNotice(notice: PublicAccessNotice): Promise<void> {
      for (const notifier of notifiers) {
        await once(db, { key: `access-notify:${notifier.name}:${notice.key}`, kind: `access-notify.${notifier.name}` }, () => notifier.notify(notice));
      }
    },
  };
}

/**
 * Refuses before anything is created when no notifier can give the requester a secret privately:
 * a grant whose password would go nowhere must not start its clock.
 */
export function requireCredentialPath(notifiers: AccessNotifier[], requester: Actor, what: string): void {
  if (notifiers.some((n) => n.canReachPrivately?.(requester))) return;
  const who = requester.name ?? requester.id;
  throw ApplicationFailure.create({
    type: 'CredentialsUndeliverable',
    message: `${what} cannot be granted to ${who}: Firebreak has no private way to hand them credentials (configure Slack and give them a Slack ID in the policy).`,
    nonRetryable: true,
  });
}

/** Credentials go to every notifier; each decides whether it can reach the requester privately. */
export async function deliverCredentials(notifiers: AccessNotifier[], notice: CredentialsNotice): Promise<void> {
  for (const notifier of notifiers) await notifier.notify(notice);
}
