// Mirrors incidents into GitHub: a tracking issue for incidents declared elsewhere, and for every
// incident a comment per significant event plus a summary block in the issue body. Runs inside the
// publishIncidentUpdate activity, so every step is idempotent on its own.

import { ApplicationFailure } from '@temporalio/common';
import type { Database } from '../../db/client.js';
import { ensureLink, findLink, LinkTakenError } from '../../db/queries/links.js';
import type { Policy } from '../../domain/policy/index.js';
import type { Redactor } from '../../domain/redact.js';
import type { IncidentView } from '../../workflows/incident/messages.js';
import type { IncidentNotifier } from '../notify.js';
import type { IncidentNotice } from '../../workflows/incident/messages.js';
import { once } from '../shared/once.js';
import { github, type GitHubApi } from './client.js';
import { isEnded } from '../../domain/lifecycle.js';
import { COMMENTED_KINDS, labelsFor, renderComment, renderSummary, severityLabel, trackingIssueBody, trackingIssueTitle, withSummary, type SummaryExtras } from './render.js';
import { issueRef, parseIssueRef, splitRepo, type IssueRef } from '../../domain/github/refs.js';

export interface GitHubNotifierDeps {
  db: Database;
  api: GitHubApi;
  policy: () => Policy;
  redactor: Redactor;
}

interface Target extends IssueRef {
  tracking: boolean;
}

export function createGitHubNotifier(deps: GitHubNotifierDeps): IncidentNotifier {
  return {
    name: 'github',
    async notify(notice) {
      const extras = await summaryExtras(deps.db, notice.incident);
      const target = await issueFor(deps, notice.view, extras);
      if (!target) return;
      if (COMMENTED_KINDS.has(notice.kind)) await commentOnce(deps, target, notice);
      await syncIssue(deps, target, notice, extras);
    },
  };
}

async function summaryExtras(db: Database, incident: string): Promise<SummaryExtras> {
  const slack = await findLink(db, incident, 'slack-channel');
  if (!slack) return {};
  const url = typeof slack.data.url === 'string' ? slack.data.url : undefined;
  return { slack: url ?? `channel ${slack.externalId}` };
}

/**
 * The issue that mirrors this incident: the one it came from, or its tracking issue (made once).
 * Only the link row says which issue that is; issue text is never searched for it (see below).
 */
async function issueFor(deps: GitHubNotifierDeps, view: IncidentView, extras: SummaryExtras): Promise<Target | undefined> {
  const policy = deps.policy();
  // A private incident is mirrored only into the policy's private repository, or nowhere.
  const privateRepo = view.private === true ? (policy.privateIncidents?.githubRepo ?? null) : undefined;
  const allowed = (ref: IssueRef) => privateRepo === undefined || (privateRepo !== null && ref.repo.toLowerCase() === privateRepo.toLowerCase());
  const source = view.source === 'github' ? parseIssueRef(view.sourceRef) : undefined;
  if (source) return allowed(source) ? { ...source, tracking: false } : undefined;
  const link = await findLink(deps.db, view.key, 'github-issue');
  const linked = parseIssueRef(link?.externalId);
  if (linked) return allowed(linked) ? { ...linked, tracking: link?.data.tracking === true } : undefined;
  if (view.phase === 'closed' || privateRepo === null) return undefined;
  const repo = privateRepo ?? view.services.map((s) => policy.services[s]?.repo).find((r): r is string => !!r);
  if (!repo) return undefined;
  // No look for an issue an earlier attempt may have opened: bodies are text people can write (a
  // title once carried another incident's marker and the next incident adopted that issue). A
  // crash between GitHub's answer and the link row costs a duplicate issue, never a wrong one.
  const number = await createTrackingIssue(deps, repo, view, extras);
  try {
    await ensureLink(deps.db, { incidentKey: view.key, kind: 'github-issue', externalId: issueRef(repo, number), data: { tracking: true } });
  } catch (err) {
    if (!(err instanceof LinkTakenError)) throw err;
    throw ApplicationFailure.create({ type: 'GitHubIssueTaken', message: err.message, nonRetryable: true });
  }
  return { repo, number, tracking: true };
}

async function createTrackingIssue(deps: GitHubNotifierDeps, repo: string, view: IncidentView, extras: SummaryExtras): Promise<number> {
  const { owner, name } = splitRepo(repo);
  const client = await deps.api.forRepo(repo);
  const { data } = await github(`opening a tracking issue in ${repo}`, () =>
    client.rest.issues.create({
      owner,
      repo: name,
      title: trackingIssueTitle(view, deps.redactor),
      body: trackingIssueBody(view, extras, deps.redactor),
      labels: [deps.policy().incidents.label, severityLabel(view)],
    }),
  );
  return data.number;
}

async function commentOnce(deps: GitHubNotifierDeps, target: Target, notice: IncidentNotice): Promise<void> {
  await once(deps.db, { key: `github-comment:${notice.eventKey}`, kind: 'github.comment' }, async () => {
    const { owner, name } = splitRepo(target.repo);
    const client = await deps.api.forRepo(target.repo);
    const { data } = await github(`commenting on ${issueRef(target.repo, target.number)}`, () =>
      client.rest.issues.createComment({ owner, repo: name, issue_number: target.number, body: renderComment(notice, deps.redactor) }),
    );
    return { id: data.id };
  });
}

/** Body summary, severity label and open/closed state follow the incident; unchanged means no write. */
async function syncIssue(deps: GitHubNotifierDeps, target: Target, notice: IncidentNotice, extras: SummaryExtras): Promise<void> {
  const { owner, name } = splitRepo(target.repo);
  const ref = issueRef(target.repo, target.number);
  const client = await deps.api.forRepo(target.repo);
  const { data: issue } = await github(`reading ${ref}`, () => client.rest.issues.get({ owner, repo: name, issue_number: target.number }));
  const view = notice.view;
  const body = withSummary(issue.body, renderSummary(view, extras, deps.redactor));
  const current = issue.labels.map((l) => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean);
  const labels = labelsFor(current, view, deps.policy().incidents.label);
  const state = wantedState(target, notice, issue.state as 'open' | 'closed');
  const patch = {
    ...(body !== issue.body ? { body } : {}),
    ...(labels.join('\n') !== current.join('\n') ? { labels } : {}),
    ...(state !== issue.state ? { state, state_reason: state === 'closed' ? ('completed' as const) : ('reopened' as const) } : {}),
  };
  if (Object.keys(patch).length === 0) return;
  await github(`updating ${ref}`, () => client.rest.issues.update({ owner, repo: name, issue_number: target.number, ...patch }));
}

/**
 * A tracking issue is closed exactly while the incident is over. An issue someone opened is theirs
 * to close; Firebreak closes it only when they resolved from a GitHub comment instead.
 */
function wantedState(target: Target, notice: IncidentNotice, current: 'open' | 'closed'): 'open' | 'closed' {
  const ended = isEnded(notice.view.phase);
  if (target.tracking) return ended ? 'closed' : 'open';
  if (notice.kind !== 'phase') return current;
  if (!ended) return 'open';
  const resolvedFromGitHub = notice.view.phase === 'resolved' && notice.view.timeline.at(-1)?.actor.source === 'github';
  return resolvedFromGitHub ? 'closed' : current;
}
