// The activities that act on real systems for a grant. Each is idempotent by grant ID, hands any
// secret straight to the AccessNotifiers and returns only references to the workflow.

import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Actor } from '../../domain/incident.js';
import { findPersonByActor, type Policy } from '../../domain/policy/index.js';
import { personKey } from '../../domain/access/rules.js';
import type { CapabilityTarget, CredentialRef, GrantTargetInput } from '../../workflows/access/messages.js';
import type { GitHubTeamProvider } from './github-team.js';
import { deliverCredentials, requireCredentialPath, type AccessNotifier, type CredentialsNotice } from './notifier.js';
import type { PostgresProvider } from './postgres.js';
import { issueAccessToken } from './token.js';

export interface ProviderDeps {
  policy: () => Policy;
  notifiers: AccessNotifier[];
  tokenKey: Uint8Array;
  postgres: PostgresProvider;
  github: GitHubTeamProvider;
}

function byProvider<P extends CredentialRef['provider']>(input: GrantTargetInput, provider: P): CapabilityTarget[] {
  return input.targets.filter((t) => t.provider === provider);
}

function githubLogin(policy: Policy, actor: Actor): string | undefined {
  return findPersonByActor(policy, actor)?.github ?? (actor.source === 'github' ? actor.id : undefined);
}

export function createProviderActivities(deps: ProviderDeps) {
  const credentials = (input: GrantTargetInput, provider: CredentialRef['provider'], expiresAt: string, rest: Pick<CredentialsNotice, 'summary' | 'secret'>) =>
    deliverCredentials(deps.notifiers, {
      kind: 'credentials',
      grant: input.grant,
      incident: input.incident,
      key: `${input.grant}:credentials:${provider}:${expiresAt}:${Context.current().info.attempt}`,
      requester: input.requester,
      provider,
      capabilities: byProvider(input, provider).map((t) => t.name),
      expiresAt,
      ...rest,
    });

  async function issueToken(input: GrantTargetInput, expiresAt: string): Promise<CredentialRef[]> {
    const caps = byProvider(input, 'token');
    if (caps.length === 0) return [];
    const sub = personKey(deps.policy(), input.requester);
    const { token, jti } = await issueAccessToken(deps.tokenKey, { grant: input.grant, incident: input.incident, sub, scope: caps.map((c) => c.name), expiresAt: new Date(expiresAt) });
    await credentials(input, 'token', expiresAt, { summary: `Bearer token for ${caps.map((c) => c.name).join(', ')} until ${expiresAt}`, secret: { token } });
    return [{ provider: 'token', ref: jti }];
  }

  return {
    /** Creates what the grant gives and delivers the credentials; returns references only. */
    async activateGrant(input: GrantTargetInput & { expiresAt: string }): Promise<CredentialRef[]> {
      const secrets = input.targets.filter((t) => t.provider !== 'github-team').map((t) => t.name);
      if (secrets.length > 0) requireCredentialPath(deps.notifiers, input.requester, secrets.join(', '));
      const refs: CredentialRef[] = [];
      const pgTargets = byProvider(input, 'postgres').flatMap((t) => (t.postgres ? [t.postgres] : []));
      if (pgTargets.length > 0) {
        const { role, password, urls } = await deps.postgres.activate(input.grant, pgTargets, new Date(input.expiresAt));
        await credentials(input, 'postgres', input.expiresAt, { summary: `PostgreSQL role ${role} until ${input.expiresAt}`, secret: { username: role, password, url: urls[0]!, urls: urls.join(' ') } });
        refs.push({ provider: 'postgres', ref: role });
      }
      for (const t of byProvider(input, 'github-team')) {
        if (!t.githubTeam) continue;
        const login = githubLogin(deps.policy(), input.requester);
        if (!login) {
          const who = input.requester.name ?? input.requester.id;
          throw ApplicationFailure.create({ type: 'AccessMisconfigured', message: `${who} has no GitHub login in the policy, so team access cannot be granted.`, nonRetryable: true });
        }
        await deps.github.add(t.githubTeam, login);
        await credentials(input, 'github-team', input.expiresAt, { summary: `${login} added to ${t.githubTeam.org}/${t.githubTeam.team} until ${input.expiresAt}` });
        refs.push({ provider: 'github-team', ref: `${t.githubTeam.org}/${t.githubTeam.team}:${login}` });
      }
      refs.push(...(await issueToken(input, input.expiresAt)));
      return refs;
    },

    /** Moves the expiry of what exists; a token is re-issued, since its expiry is signed into it. */
    async extendGrant(input: GrantTargetInput & { expiresAt: string }): Promise<CredentialRef[]> {
      if (byProvider(input, 'postgres').length > 0) await deps.postgres.extend(input.grant, new Date(input.expiresAt));
      return issueToken(input, input.expiresAt);
    },

    /** Takes away everything the grant gave. Safe to repeat: what is already gone is skipped. */
    async deprovisionGrant(input: GrantTargetInput): Promise<void> {
      const pgTargets = byProvider(input, 'postgres').flatMap((t) => (t.postgres ? [t.postgres] : []));
      if (pgTargets.length > 0) await deps.postgres.revoke(input.grant, pgTargets);
      for (const t of byProvider(input, 'github-team')) {
        const login = githubLogin(deps.policy(), input.requester);
        if (t.githubTeam && login) await deps.github.remove(t.githubTeam, login);
      }
      // Tokens need nothing here: introspection reads the grant row, which already says it ended.
    },
  };
}
