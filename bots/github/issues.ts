// Issue events: an issue opened with, or given, the incident label declares an incident linked to
// it; closing that issue resolves the incident and reopening it reopens the incident. Closing or
// reopening a postmortem action item's issue moves the item instead (action-issues.ts).

import type { EmitterWebhookEvent } from '@octokit/webhooks';
import { isEnded } from '../../domain/lifecycle.js';
import { issueRef } from '../../domain/github/refs.js';
import { findIncidentByExternal } from '../../db/queries/links.js';
import { severityFromNumber, type Actor, type Severity } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import * as msg from '../../workflows/incident/messages.js';
import { admitRequest } from '../commands/limits.js';
import { replyRedactor } from '../render/redaction.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import type { AwaitedOutcome } from '../../workflows/github-delivery/messages.js';
import { getIncidentView, requestUpdateId, startDeclaration, toRefusal } from '../workflow-client.js';
import { acceptUpdate } from './accept.js';
import { onActionIssueState } from './action-issues.js';
import { ignored, notOurs, servicesOfRepo, type GitHubFrontEnd, type Outcome } from './context.js';
import { replyOpening, replyText } from './replies.js';

type IssuesPayload = EmitterWebhookEvent<'issues'>['payload'];
type TriggerPayload = EmitterWebhookEvent<'issues.opened' | 'issues.labeled'>['payload'];
type StatePayload = EmitterWebhookEvent<'issues.closed' | 'issues.reopened'>['payload'];

function labelNames(payload: IssuesPayload): string[] {
  return (payload.issue.labels ?? []).map((l) => (typeof l === 'string' ? l : (l?.name ?? '')));
}

/** Beside the incident label, declares a private incident. */
export const PRIVATE_LABEL = 'private';

/** The most severe `sev:N` label on the issue, SEV3 without one. */
export function severityOfLabels(labels: string[]): Severity {
  const levels = labels.map((l) => /^sev:([1-4])$/i.exec(l.trim())?.[1]).filter((n): n is string => !!n).map(Number);
  return (levels.length ? severityFromNumber(Math.min(...levels)) : undefined) ?? 'SEV3';
}

/** Opened with the incident label, or given it: the issue asks for an incident. */
export function triggersIncident(policy: Policy, payload: TriggerPayload): boolean {
  const label = policy.incidents.label;
  return payload.action === 'opened' ? labelNames(payload).includes(label) : payload.label?.name === label;
}

/** `issues.opened` / `issues.labeled`: the incident label declares an incident linked to the issue. */
export async function onIssueTriggered(fe: GitHubFrontEnd, payload: TriggerPayload): Promise<Outcome> {
  const repo = payload.repository.full_name;
  const elsewhere = notOurs(fe.policy, repo);
  if (elsewhere) return elsewhere;
  if (!triggersIncident(fe.policy, payload)) return ignored(`no ${fe.policy.incidents.label} label`);
  // Tracking issues carry the incident label too, but Firebreak opens them itself, and events sent by
  // its bot are turned away before this (webhook.ts). A marker in a body a person wrote decides nothing.
  const ref = issueRef(repo, payload.issue.number);
  const existing = await findIncidentByExternal(fe.db, 'github-issue', ref);
  if (existing) return { result: `already ${existing}` };
  const login = payload.sender.login;
  const reporter: Actor = { source: 'github', id: login, name: login };
  const refuse = (text: string): Outcome => ({ result: 'refused declaration', reply: { repo, number: payload.issue.number, body: replyText(login, text, replyRedactor(fe.policy)) } });
  // Past the limits: said on the issue, and the delivery is done.
  const limited = admitRequest(fe.policy, reporter, 'declaration');
  if (limited) return refuse(limited);
  // Answered once the declaration has started (it then runs to its end in Temporal); the
  // delivery's workflow waits for it and says a refusal (a title it will not take) on the issue.
  const started = await startDeclaration(fe, {
    idempotencyKey: `github:${ref}`,
    title: payload.issue.title,
    description: payload.issue.body ?? undefined,
    severity: severityOfLabels(labelNames(payload)),
    services: servicesOfRepo(fe.policy, repo),
    source: 'github',
    sourceRef: ref,
    reporter,
    // A `private` label beside the incident label declares a private incident (issue 17 §1).
    ...(labelNames(payload).some((l) => l.trim().toLowerCase() === PRIVATE_LABEL) ? { private: true } : {}),
    // The declaration links the issue before it ends.
    linkIssue: ref,
  });
  if (!started) return { result: 'already declared from this issue' };
  const awaiting: AwaitedOutcome = { ...started, repo, number: payload.issue.number, opening: replyOpening(login), onSuccess: 'silent' };
  return { result: `declaring from ${ref}`, awaiting };
}

/**
 * `issues.closed` / `issues.reopened`: an action item's issue moves the item (an action item's
 * issue lives in a service repository too and must never resolve an incident); an incident's issue
 * resolves or reopens the incident.
 */
export async function onIssueStateChange(fe: GitHubFrontEnd, payload: StatePayload): Promise<Outcome> {
  const action = await onActionIssueState(fe, payload);
  if (action) return action;
  const repo = payload.repository.full_name;
  const elsewhere = notOurs(fe.policy, repo);
  if (elsewhere) return elsewhere;
  const change = payload.action === 'closed' ? 'resolve' : 'reopen';
  const ref = issueRef(repo, payload.issue.number);
  const key = await findIncidentByExternal(fe.db, 'github-issue', ref);
  if (!key) return ignored('not an incident issue');
  const view = await getIncidentView(fe, key);
  // The issue already says what the incident is (e.g. resolved in Slack, then the issue closed).
  if (isEnded(view.phase) === (change === 'resolve')) return { result: `${key} already ${view.phase}` };
  const login = payload.sender.login;
  const actor: Actor = { source: 'github', id: login, name: login };
  const next = change === 'resolve' ? `${key} stays ${view.phase}; reopen this issue to keep tracking it here.` : `${key} stays ${view.phase}.`;
  try {
    const definition = change === 'resolve' ? msg.resolveUpdate : msg.reopenUpdate;
    const verb = change === 'resolve' ? 'closed' : 'reopened';
    // A redelivery of this event carries the same issue timestamp and sender; the next close or
    // reopen does not. The sender is part of it because Temporal answers a repeated ID with the
    // first outcome, a refusal included: one person's refused close must not refuse the next.
    const requestKey = `github:${ref}:${payload.action}:${payload.issue.updated_at}:${login}`;
    const workflowId = incidentWorkflowId(key);
    const accepted = await acceptUpdate(fe.client, workflowId, definition, { actor, text: `${login} ${verb} ${ref}` }, requestUpdateId(requestKey, definition));
    // The issue already shows the change: only a refusal in the incident's queue gets a reply.
    const awaiting: AwaitedOutcome = { workflowId, ...accepted, incident: key, repo, number: payload.issue.number, opening: replyOpening(login), onSuccess: 'silent', afterRefusal: next };
    return { result: `accepted ${change} of ${key}`, awaiting };
  } catch (err) {
    const refusal = toRefusal(err, key);
    if (!refusal) throw err;
    return { result: `refused ${change} of ${key}`, reply: { repo, number: payload.issue.number, body: replyText(login, `${refusal.message} ${next}`, replyRedactor(fe.policy, key)) } };
  }
}
