// Issue events: an issue opened with, or given, the incident label declares an incident linked to
// it; closing that issue resolves the incident and reopening it reopens the incident. Closing or
// reopening a postmortem action item's issue moves the item instead (action-issues.ts).

import type { EmitterWebhookEvent } from '@octokit/webhooks';
import { isEnded } from '../../domain/lifecycle.js';
import { FIREBREAK_MARKER, issueRef } from '../../domain/github/refs.js';
import { ensureLink, findIncidentByExternal } from '../../db/queries/links.js';
import { severityFromNumber, type Actor, type Severity } from '../../domain/incident.js';
import * as msg from '../../workflows/incident/messages.js';
import { declareAsPerson } from '../commands/dispatch.js';
import { CommandRefused, getIncidentView, runIncidentUpdate, toRefusal } from '../workflow-client.js';
import { onActionIssueState } from './action-issues.js';
import { ignored, servicesOfRepo, type GitHubFrontEnd, type Outcome } from './context.js';
import { replyText } from './replies.js';

type IssuesPayload = EmitterWebhookEvent<'issues'>['payload'];

export async function onIssues(fe: GitHubFrontEnd, payload: IssuesPayload): Promise<Outcome> {
  // First: an action item's issue lives in a service repository too, and closing it must move the
  // item, never resolve an incident.
  const action = await onActionIssueState(fe, payload);
  if (action) return action;
  const repo = payload.repository.full_name;
  if (servicesOfRepo(fe.policy, repo).length === 0) return ignored(`${repo} is not a repository of the policy`);
  switch (payload.action) {
    case 'opened':
    case 'labeled':
      return onTrigger(fe, payload);
    case 'closed':
      return onStateChange(fe, payload, 'resolve');
    case 'reopened':
      return onStateChange(fe, payload, 'reopen');
    default:
      return ignored(`issues.${payload.action}`);
  }
}

function labelNames(payload: IssuesPayload): string[] {
  return (payload.issue.labels ?? []).map((l) => (typeof l === 'string' ? l : (l?.name ?? '')));
}

/** The most severe `sev:N` label on the issue, SEV3 without one. */
export function severityOfLabels(labels: string[]): Severity {
  const levels = labels.map((l) => /^sev:([1-4])$/i.exec(l.trim())?.[1]).filter((n): n is string => !!n).map(Number);
  return (levels.length ? severityFromNumber(Math.min(...levels)) : undefined) ?? 'SEV3';
}

async function onTrigger(fe: GitHubFrontEnd, payload: IssuesPayload): Promise<Outcome> {
  const label = fe.policy.incidents.label;
  const triggered = payload.action === 'opened' ? labelNames(payload).includes(label) : 'label' in payload && payload.label?.name === label;
  if (!triggered) return ignored(`no ${label} label`);
  // Tracking issues carry the incident label too; they mirror an incident, they never declare one.
  if (payload.issue.body?.includes(FIREBREAK_MARKER)) return ignored('a Firebreak tracking issue');
  const repo = payload.repository.full_name;
  const ref = issueRef(repo, payload.issue.number);
  const existing = await findIncidentByExternal(fe.db, 'github-issue', ref);
  if (existing) return { result: `already ${existing}` };
  const login = payload.sender.login;
  let declared;
  try {
    declared = await declareAsPerson(fe, {
      idempotencyKey: `github:${ref}`,
      title: payload.issue.title,
      description: payload.issue.body ?? undefined,
      severity: severityOfLabels(labelNames(payload)),
      services: servicesOfRepo(fe.policy, repo),
      source: 'github',
      sourceRef: ref,
      reporter: { source: 'github', id: login, name: login },
    });
  } catch (err) {
    // Past the limits, or a title the workflow refuses: said on the issue, and the delivery is done.
    const refusal = err instanceof CommandRefused ? err : toRefusal(err);
    if (!refusal) throw err;
    return { result: 'refused declaration', reply: { repo, number: payload.issue.number, body: replyText(login, refusal.message) } };
  }
  await ensureLink(fe.db, { incidentKey: declared.key, kind: 'github-issue', externalId: ref, data: { tracking: false } });
  return { result: declared.created ? `declared ${declared.key}` : `already ${declared.key}` };
}

async function onStateChange(fe: GitHubFrontEnd, payload: IssuesPayload, change: 'resolve' | 'reopen'): Promise<Outcome> {
  const repo = payload.repository.full_name;
  const ref = issueRef(repo, payload.issue.number);
  const key = await findIncidentByExternal(fe.db, 'github-issue', ref);
  if (!key) return ignored('not an incident issue');
  const view = await getIncidentView(fe, key);
  // The issue already says what the incident is (e.g. resolved in Slack, then the issue closed).
  if (isEnded(view.phase) === (change === 'resolve')) return { result: `${key} already ${view.phase}` };
  const login = payload.sender.login;
  const actor: Actor = { source: 'github', id: login, name: login };
  try {
    const definition = change === 'resolve' ? msg.resolveUpdate : msg.reopenUpdate;
    const verb = change === 'resolve' ? 'closed' : 'reopened';
    // A redelivery of this event carries the same issue timestamp and sender; the next close or
    // reopen does not. The sender is part of it because Temporal answers a repeated ID with the
    // first outcome, a refusal included: one person's refused close must not refuse the next.
    const requestKey = `github:${ref}:${payload.action}:${payload.issue.updated_at}:${login}`;
    await runIncidentUpdate(fe, key, definition, { actor, text: `${login} ${verb} ${ref}` }, requestKey);
    return { result: `${change === 'resolve' ? 'resolved' : 'reopened'} ${key}` };
  } catch (err) {
    const refusal = toRefusal(err, key);
    if (!refusal) throw err;
    const next = change === 'resolve' ? `${key} stays ${view.phase}; reopen this issue to keep tracking it here.` : `${key} stays ${view.phase}.`;
    return { result: `refused ${change} of ${key}`, reply: { repo, number: payload.issue.number, body: replyText(login, `${refusal.message} ${next}`) } };
  }
}
