// The GitHub team provider: adds the requester to the capability's team for the grant and removes
// them after. Both calls are idempotent on GitHub's side (PUT membership, DELETE membership).

import { createAppAuth } from '@octokit/auth-app';
import { Octokit } from '@octokit/rest';
import { ApplicationFailure } from '@temporalio/common';
import type { GitHubConfig } from '../../platform/config/index.js';

export interface GitHubTeamTarget {
  org: string;
  team: string;
}

export interface GitHubTeamProvider {
  add(target: GitHubTeamTarget, login: string): Promise<{ state: string }>;
  remove(target: GitHubTeamTarget, login: string): Promise<void>;
}

function statusOf(err: unknown): number | undefined {
  return typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : undefined;
}

function refusal(err: unknown, what: string): unknown {
  const status = statusOf(err);
  // 404: the team or user does not exist (or the token cannot see it); 422: GitHub refuses the change.
  if (status === 404 || status === 422 || status === 403) {
    return ApplicationFailure.create({ type: 'AccessMisconfigured', message: `GitHub refused to ${what} (HTTP ${status}).`, nonRetryable: true });
  }
  return err;
}

export function createGitHubTeamProvider(config: GitHubConfig | undefined): GitHubTeamProvider {
  const clients = new Map<string, Promise<Octokit>>();
  const forOrg = (org: string): Promise<Octokit> => {
    if (!config) throw ApplicationFailure.create({ type: 'AccessMisconfigured', message: 'GitHub is not configured, so team access cannot be granted.', nonRetryable: true });
    const baseUrl = config.apiUrl.replace(/\/+$/, '');
    const options = { baseUrl, userAgent: 'firebreak', request: { retries: 0 } };
    if (config.auth.kind === 'token') return Promise.resolve(new Octokit({ ...options, auth: config.auth.token }));
    const { appId, privateKey } = config.auth;
    let client = clients.get(org.toLowerCase());
    if (!client) {
      // Team memberships are organisation calls, so the App acts as its installation on the org.
      const app = new Octokit({ ...options, authStrategy: createAppAuth, auth: { appId, privateKey } });
      client = app.rest.apps
        .getOrgInstallation({ org })
        .then((r) => new Octokit({ ...options, authStrategy: createAppAuth, auth: { appId, privateKey, installationId: r.data.id } }));
      client.catch(() => clients.delete(org.toLowerCase()));
      clients.set(org.toLowerCase(), client);
    }
    return client;
  };

  return {
    async add({ org, team }, login) {
      const octokit = await forOrg(org);
      try {
        const { data } = await octokit.rest.teams.addOrUpdateMembershipForUserInOrg({ org, team_slug: team, username: login, role: 'member' });
        return { state: data.state };
      } catch (err) {
        throw refusal(err, `add ${login} to ${org}/${team}`);
      }
    },
    async remove({ org, team }, login) {
      const octokit = await forOrg(org);
      try {
        await octokit.rest.teams.removeMembershipForUserInOrg({ org, team_slug: team, username: login });
      } catch (err) {
        // Already gone is what revocation wants.
        if (statusOf(err) === 404) return;
        throw refusal(err, `remove ${login} from ${org}/${team}`);
      }
    },
  };
}
