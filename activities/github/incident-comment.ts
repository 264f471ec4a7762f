// A comment on the incident's GitHub issue, posted at most once per delivery key: the shared step
// of every GitHub notifier that reports on something the incident owns (grants, sandboxes).

import type { Database } from '../../db/client.js';
import { findLink } from '../../db/queries/links.js';
import type { Redactor } from '../../domain/redact.js';
import { once } from '../shared/once.js';
import { github, type GitHubApi } from './client.js';
import { eventMarker, issueRef, parseIssueRef, splitRepo } from '../../domain/github/refs.js';

export interface IncidentCommentDeps {
  db: Database;
  api: GitHubApi;
  redactor: Redactor;
}

export interface IncidentComment {
  incident: string;
  /** e.g. `github-access-comment`; remembered in processed_requests as `<kind>:<key>` once posted. */
  kind: string;
  key: string;
  /** Hidden marker suffix, e.g. `access:<key>`, so a person can tell which event a comment is. */
  marker: string;
  /** Markdown whose text from people has already been neutralised (neutralise.ts) by the caller. */
  text: string;
}

/** Does nothing when the incident has no issue or the comment was already posted. */
export async function commentOnIncidentIssueOnce(deps: IncidentCommentDeps, comment: IncidentComment): Promise<void> {
  // Without an issue nothing is recorded, so a comment still goes out if the issue is linked later.
  const target = parseIssueRef((await findLink(deps.db, comment.incident, 'github-issue'))?.externalId);
  if (!target) return;
  await once(deps.db, { key: `${comment.kind}:${comment.key}`, kind: comment.kind }, async () => {
    const { owner, name } = splitRepo(target.repo);
    const client = await deps.api.forRepo(target.repo);
    const body = deps.redactor.forIncident(comment.incident).redact(`${eventMarker(comment.incident, comment.marker)}\n${comment.text}`);
    const { data } = await github(`commenting on ${issueRef(target.repo, target.number)}`, () =>
      client.rest.issues.createComment({ owner, repo: name, issue_number: target.number, body }),
    );
    return { id: data.id };
  });
}
