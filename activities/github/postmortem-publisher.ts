// GitHub's side of postmortems: the document committed through the contents API, one issue per
// action item, and those issues closed or reopened as their items are. Activities retry every
// call, so each step first looks at what GitHub already has and writes only the difference.

import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../../db/client.js';
import { findLink } from '../../db/queries/links.js';
import type { Redactor } from '../../domain/redact.js';
import type { Logger } from '../../platform/logger.js';
import { once } from '../shared/once.js';
import type { CreateActionIssueInput, PostmortemPublisher, PublishDocumentInput } from '../postmortem/ports.js';
import { github, httpStatus, toActivityFailure, type GitHubApi, type GitHubOctokit } from './client.js';
import { neutraliseGitHubText } from '../../domain/github/neutralise.js';
import { eventMarker, issueRef, parseIssueRef, splitRepo } from '../../domain/github/refs.js';

export const ACTION_LABEL = 'postmortem-action';

export interface GitHubPostmortemPublisherDeps {
  api: GitHubApi;
  db: Database;
  redactor: Redactor;
  logger: Logger;
}

export const actionMarker = (incident: string, item: string): string => eventMarker(incident, `action:${item}`);

export function createGitHubPostmortemPublisher(deps: GitHubPostmortemPublisherDeps): PostmortemPublisher {
  return {
    publishDocument: (input) => publishDocument(deps, input),
    createActionIssue: (input) => createActionIssue(deps, input),
    setIssueState: (input) => setIssueState(deps, input),
  };
}

interface RemoteFile {
  sha: string;
  /** Decoded text; undefined when GitHub does not inline it (files over 1 MB). */
  content?: string;
  url: string;
}

async function publishDocument(deps: GitHubPostmortemPublisherDeps, input: PublishDocumentInput): Promise<{ url: string }> {
  const { owner, name } = splitRepo(input.repo);
  const where = `${input.repo}/${input.path}`;
  const client = await deps.api.forRepo(input.repo);
  const redactor = deps.redactor.forIncident(input.incident);
  const markdown = redactor.redact(input.markdown);
  const message = redactor.redact(input.message);
  // One re-read covers someone committing between our read and our write; a second conflict is
  // left to the activity's retry rather than a loop here.
  for (let attempt = 1; ; attempt++) {
    const current = await readFile(client, input.repo, input.path);
    if (current?.content === markdown) return { url: current.url };
    try {
      const { data } = await client.rest.repos.createOrUpdateFileContents({
        owner,
        repo: name,
        path: input.path,
        message,
        content: Buffer.from(markdown, 'utf8').toString('base64'),
        ...(current ? { sha: current.sha } : {}),
        // The client's one retry would resend the same stale sha; a conflict needs a fresh read.
        request: { retries: 0 },
      });
      return { url: data.content?.html_url ?? current?.url ?? `https://github.com/${input.repo}/blob/HEAD/${input.path}` };
    } catch (err) {
      if (!isShaConflict(err)) throw toActivityFailure(err, `committing ${where}`);
      if (attempt >= 2) {
        throw ApplicationFailure.create({ type: 'GitHubContentConflict', message: `${where} changed while it was being committed; retrying` });
      }
      deps.logger.info({ repo: input.repo, path: input.path }, 'postmortem file changed under us; reading it again');
    }
  }
}

async function readFile(client: GitHubOctokit, repo: string, path: string): Promise<RemoteFile | undefined> {
  const { owner, name } = splitRepo(repo);
  const found = await github(`reading ${repo}/${path}`, () =>
    client.rest.repos.getContent({ owner, repo: name, path }).catch((err: unknown) => (httpStatus(err) === 404 ? undefined : Promise.reject(err))),
  );
  if (!found) return undefined;
  const data = found.data;
  if (Array.isArray(data) || data.type !== 'file') {
    throw ApplicationFailure.create({ type: 'GitHubNotAFile', message: `${repo}/${path} is not a file; choose another postmortem path`, nonRetryable: true });
  }
  const content = data.encoding === 'base64' && data.content ? Buffer.from(data.content.replace(/\s/g, ''), 'base64').toString('utf8') : undefined;
  return { sha: data.sha, content, url: data.html_url ?? `https://github.com/${repo}/blob/HEAD/${path}` };
}

/** 409 for a stale sha, 422 when a file appeared since we read it and we sent none. */
function isShaConflict(err: unknown): boolean {
  const status = httpStatus(err);
  return status === 409 || (status === 422 && /\bsha\b/i.test(err instanceof Error ? err.message : ''));
}

async function createActionIssue(deps: GitHubPostmortemPublisherDeps, input: CreateActionIssueInput): Promise<{ ref: string; url: string }> {
  // Issue bodies are text people can write, so no issue is ever adopted by the marker in its body:
  // an action item's text once could have named another item's marker. A crash between GitHub's
  // answer and the record costs a duplicate issue, never someone else's.
  const known = await once(deps.db, { key: `github-action-issue:${input.item}`, kind: 'github.action-issue' }, () => openActionIssue(deps, input));
  return typeof known.ref === 'string' && typeof known.url === 'string' ? { ref: known.ref, url: known.url } : openActionIssue(deps, input);
}

async function openActionIssue(deps: GitHubPostmortemPublisherDeps, input: CreateActionIssueInput): Promise<{ ref: string; url: string }> {
  const { owner, name } = splitRepo(input.repo);
  const client = await deps.api.forRepo(input.repo);
  const incidentIssue = parseIssueRef((await findLink(deps.db, input.incident, 'github-issue'))?.externalId);
  const redactor = deps.redactor.forIncident(input.incident);
  const safe = (text: string) => neutraliseGitHubText(redactor.redact(text));
  const parts = [safe(input.body).trimEnd()];
  // `owner/repo#N` links across repositories and puts a cross-reference on the incident's issue.
  if (incidentIssue) parts.push(`Action item ${input.item} from the postmortem of ${input.incident} (${issueRef(incidentIssue.repo, incidentIssue.number)}).`);
  else parts.push(`Action item ${input.item} from the postmortem of ${input.incident}.`);
  parts.push(actionMarker(input.incident, input.item));
  const issue = { owner, repo: name, title: safe(input.title), body: parts.join('\n\n'), labels: [ACTION_LABEL] };
  const what = `opening the issue for ${input.item} in ${input.repo}`;
  const create = (assignees?: string[]) => client.rest.issues.create({ ...issue, ...(assignees ? { assignees } : {}) });
  const { data } = await github(what, () =>
    create(input.assignee ? [input.assignee] : undefined).catch((err: unknown) => {
      // GitHub refuses assignees who cannot be assigned in this repository; the issue matters more.
      if (!input.assignee || httpStatus(err) !== 422) throw err;
      deps.logger.warn({ repo: input.repo, item: input.item, assignee: input.assignee }, 'GitHub refused the assignee; opening the action issue unassigned');
      return create();
    }),
  );
  return { ref: issueRef(canonicalRepo(data.repository_url, input.repo), data.number), url: data.html_url };
}

/** GitHub's own spelling of the repository, which is what webhooks carry in `full_name`. */
function canonicalRepo(repositoryUrl: string | undefined, fallback: string): string {
  return /\/repos\/([^/]+\/[^/]+)$/.exec(repositoryUrl ?? '')?.[1] ?? fallback;
}

async function setIssueState(deps: GitHubPostmortemPublisherDeps, input: { ref: string; state: 'open' | 'closed'; comment?: string }): Promise<void> {
  const target = parseIssueRef(input.ref);
  if (!target) throw ApplicationFailure.create({ type: 'InvalidIssueRef', message: `${input.ref} is not an owner/repo#N issue reference`, nonRetryable: true });
  const { owner, name } = splitRepo(target.repo);
  const client = await deps.api.forRepo(target.repo);
  const { data: issue } = await github(`reading ${input.ref}`, () => client.rest.issues.get({ owner, repo: name, issue_number: target.number }));
  if (issue.state === input.state) return;
  // The comment goes first, so it reads as the reason for the close; a retry after a failed
  // PATCH finds it as the issue's last comment and does not post it again.
  if (input.comment) {
    const body = neutraliseGitHubText(deps.redactor.redact(input.comment));
    if (!(await lastCommentIs(client, target.repo, target.number, issue.comments, body))) {
      await github(`commenting on ${input.ref}`, () => client.rest.issues.createComment({ owner, repo: name, issue_number: target.number, body }));
    }
  }
  await github(`${input.state === 'closed' ? 'closing' : 'reopening'} ${input.ref}`, () =>
    client.rest.issues.update({ owner, repo: name, issue_number: target.number, state: input.state, state_reason: input.state === 'closed' ? 'completed' : 'reopened' }),
  );
}

async function lastCommentIs(client: GitHubOctokit, repo: string, number: number, count: number, body: string): Promise<boolean> {
  if (count === 0) return false;
  const { owner, name } = splitRepo(repo);
  const perPage = 100;
  const { data } = await github(`reading comments of ${issueRef(repo, number)}`, () =>
    client.rest.issues.listComments({ owner, repo: name, issue_number: number, per_page: perPage, page: Math.ceil(count / perPage) }),
  );
  return data.at(-1)?.body === body;
}
