// The GitHub side of just-in-time access: a comment on the incident's issue when approval is asked
// for, when someone decides, and when the grant ends. Issues are read by many, so this notifier
// never handles credentials or expiry warnings; those reach the requester privately in Slack.
// Approvers answer with `/incident access approve GR-N` in a comment, as for every command.

import type { Database } from '../../db/client.js';
import { formatDuration } from '../../domain/duration.js';
import { findPersonByHandle, type Policy } from '../../domain/policy/index.js';
import type { Redactor } from '../../domain/redact.js';
import type { AccessNotice, AccessNotifier } from '../access/notifier.js';
import type { ApprovalRequestedNotice, DecidedNotice, EndedNotice } from '../../workflows/access/messages.js';
import { actorName, approvalProgress, endedLine, policyVerdict } from '../access/describe.js';
import type { GitHubApi } from './client.js';
import { commentOnIncidentIssueOnce } from './incident-comment.js';
import { neutraliseGitHubText } from '../../domain/github/neutralise.js';

export interface GitHubAccessNotifierDeps {
  db: Database;
  api: GitHubApi;
  policy: () => Policy;
  redactor: Redactor;
}

type Commented = ApprovalRequestedNotice | DecidedNotice | EndedNotice;

export function createGitHubAccessNotifier(deps: GitHubAccessNotifierDeps): AccessNotifier {
  return {
    name: 'github',
    async notify(notice: AccessNotice): Promise<void> {
      if (notice.kind !== 'approval_requested' && notice.kind !== 'decided' && notice.kind !== 'ended') return;
      await commentOnIncidentIssueOnce(deps, {
        incident: notice.incident,
        kind: 'github-access-comment',
        key: notice.key,
        marker: `access:${notice.key}`,
        text: renderAccessComment(deps.policy(), notice, (text) => neutraliseGitHubText(deps.redactor.forIncident(notice.incident).redact(text))),
      });
    },
  };
}

/** Approvers by GitHub login where the policy knows one, so they are notified by the mention. */
function mention(policy: Policy, name: string, safe: (text: string) => string): string {
  const login = findPersonByHandle(policy, name)?.github;
  return login ? `@${login}` : safe(name);
}

/**
 * The comment for one access event. `safe` makes text people wrote (reasons, names) inert for
 * GitHub; the approvers' `@login` mentions are Firebreak's own and are meant to notify.
 */
export function renderAccessComment(policy: Policy, notice: Commented, safe: (text: string) => string = neutraliseGitHubText): string {
  const { view } = notice;
  const what = `\`${safe(view.capabilities.join(', '))}\``;
  if (notice.kind === 'approval_requested') {
    const ext = view.pendingExtension;
    const asks = ext ? `to extend **${view.grant}** (${what}) by ${formatDuration(ext.seconds)}` : `for ${what} for ${formatDuration(view.durationSeconds)} as **${view.grant}**`;
    return [
      `**Access request** — ${safe(actorName(ext?.requestedBy ?? view.requester))} asks ${asks}${view.escalation > 0 ? ' (escalated)' : ''}`,
      '',
      `> ${safe((ext?.reason ?? view.reason).replace(/\n/g, ' '))}`,
      '',
      `Policy: ${safe(policyVerdict(policy, view))}. Approvals so far: ${safe(approvalProgress(view))}.`,
      `Asked: ${notice.approvers.map((n) => mention(policy, n, safe)).join(', ') || 'nobody'}. Reply \`/incident access approve ${view.grant}\` or \`/incident access deny ${view.grant} REASON\`.`,
    ].join('\n');
  }
  if (notice.kind === 'decided') {
    const verb = { approved: 'approved', denied: 'denied the extension of', extended: 'extended', extension_requested: 'asked to extend' }[notice.decision];
    const progress = notice.decision === 'approved' ? ` (${safe(approvalProgress(view))})` : '';
    return `**${view.grant}** — ${safe(actorName(notice.by))} ${verb} ${view.grant} (${what})${progress}.`;
  }
  return `**${view.grant}** — ${safe(endedLine(view, notice.status, notice.reason))}.`;
}
