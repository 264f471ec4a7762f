// Just-in-time access activities: persistence of grant transitions, the providers that act on real
// systems, and the fan-out of notices to the AccessNotifiers of each front-end.

import type { Database } from '../../db/client.js';
import type { GitHubConfig } from '../../platform/config/index.js';
import type { Policy } from '../../domain/policy/index.js';
import type { Redactor } from '../../domain/redact.js';
import { createGitHubTeamProvider, type GitHubTeamProvider } from './github-team.js';
import { createAccessNotifyActivities, type AccessNotifier } from './notifier.js';
import { createGrantPersistenceActivities } from './persistence.js';
import { createPostgresProvider, type PostgresProvider } from './postgres.js';
import { createProviderActivities } from './providers.js';
import { accessTokenKey } from '../../platform/access-token.js';

export type { AccessNotice, AccessNotifier, CredentialsNotice } from './notifier.js';
export { createRecordingAccessNotifier } from './notifier.js';

/** Where the providers act; every part is optional and a grant that needs a missing one is refused. */
export interface AccessProviderSettings {
  /** Admin URL of the target PostgreSQL server (ACCESS_POSTGRES_URL). */
  postgresUrl?: string;
  /** Token signing key; the same key must reach the introspection route. */
  tokenKey?: Uint8Array;
  github?: GitHubConfig;
  /** Replaces the providers built from the settings above (tests, other team back-ends). */
  postgres?: PostgresProvider;
  githubTeams?: GitHubTeamProvider;
}

export interface AccessActivityDeps {
  db: Database;
  policy: () => Policy;
  redactor: Redactor;
  notifiers: AccessNotifier[];
  settings: AccessProviderSettings;
}

export function createAccessActivities(deps: AccessActivityDeps) {
  const { settings } = deps;
  return {
    ...createGrantPersistenceActivities(deps),
    ...createAccessNotifyActivities({ db: deps.db, notifiers: deps.notifiers }),
    ...createProviderActivities({
      policy: deps.policy,
      notifiers: deps.notifiers,
      tokenKey: accessTokenKey(settings.tokenKey),
      postgres: settings.postgres ?? createPostgresProvider(settings.postgresUrl),
      github: settings.githubTeams ?? createGitHubTeamProvider(settings.github),
    }),
  };
}
