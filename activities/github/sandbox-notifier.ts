// The GitHub side of debugging sandboxes: the reproduction playbook as a comment on the incident's
// issue, once per sandbox. Issues are read by many, so credentials never come here (they reach the
// requester by Slack DM only). Also resolves `release:REF` to a commit SHA for the provenance record.

import type { Database } from '../../db/client.js';
import type { Redactor } from '../../domain/redact.js';
import type { SandboxNotice, SandboxNotifier } from '../sandbox/notifier.js';
import { github, httpStatus, type GitHubApi } from './client.js';
import { commentOnIncidentIssueOnce } from './incident-comment.js';
import { neutraliseGitHubText } from '../../domain/github/neutralise.js';
import { splitRepo } from '../../domain/github/refs.js';

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
      await commentOnIncidentIssueOnce(deps, {
        incident: notice.incident,
        kind: 'github-sandbox-comment',
        key: notice.key,
        marker: `sandbox:${notice.key}`,
        // The playbook quotes the title, the hypothesis and the timeline (already redacted); its
        // own Markdown (headings, table, code spans) has nothing the neutraliser changes.
        text: neutraliseGitHubText(notice.markdown),
      });
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
