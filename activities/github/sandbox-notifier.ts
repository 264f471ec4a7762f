// The GitHub side of debugging sandboxes: the reproduction playbook as a comment on the incident's
// issue, once per sandbox. Issues are read by many, so credentials never come here (they reach the
// requester by Slack DM only). Also resolves `release:REF` to a commit SHA for the provenance record.

import { eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { findLink } from '../../db/queries/links.js';
import { processedRequests } from '../../db/schema/index.js';
import type { Redactor } from '../../domain/redact.js';
import type { SandboxNotice, SandboxNotifier } from '../sandbox/notifier.js';
import { github, httpStatus, type GitHubApi } from './client.js';
import { eventMarker, issueRef, parseIssueRef, splitRepo } from './refs.js';

export interface GitHubSandboxNotifierDeps {
  db: Database;
  api: GitHubApi;
  redactor: Redactor;
}

export function createGitHubSandboxNotifier(deps: GitHubSandboxNotifierDeps): SandboxNotifier {
  return {
    name: 'github',
    async notify(notice: SandboxNotice): Promise<void> {
      if (notice.kind !== 'playbook') return;
      const key = `github-sandbox-comment:${notice.key}`;
      const [done] = await deps.db.select({ key: processedRequests.key }).from(processedRequests).where(eq(processedRequests.key, key));
      if (done) return;
      const target = parseIssueRef((await findLink(deps.db, notice.incident, 'github-issue'))?.externalId);
      if (!target) return;
      const { owner, name } = splitRepo(target.repo);
      const client = await deps.api.forRepo(target.repo);
      const body = deps.redactor.redact(`${eventMarker(notice.incident, `sandbox:${notice.key}`)}\n${notice.markdown}`);
      const { data } = await github(`commenting on ${issueRef(target.repo, target.number)}`, () =>
        client.rest.issues.createComment({ owner, repo: name, issue_number: target.number, body }),
      );
      await deps.db.insert(processedRequests).values({ key, kind: 'github.sandbox-comment', result: { id: data.id } }).onConflictDoNothing();
    },
  };
}

/**
 * The commit SHA a release ref (tag, branch or SHA) points at; undefined when GitHub does not know
 * the ref (404 for an unknown repo, 422 for an unknown ref). Other failures are thrown.
 */
export function createReleaseResolver(api: GitHubApi): (repo: string, ref: string) => Promise<string | undefined> {
  return async (repo, ref) => {
    const { owner, name } = splitRepo(repo);
    const client = await api.forRepo(repo);
    try {
      const { data } = await github(`reading ${ref} of ${repo}`, () => client.rest.repos.getCommit({ owner, repo: name, ref }));
      return data.sha;
    } catch (err) {
      if (httpStatus(err) === 404 || httpStatus(err) === 422) return undefined;
      throw err;
    }
  };
}
