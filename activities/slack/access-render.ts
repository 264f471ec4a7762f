// Block Kit for just-in-time access: the approval request with Approve/Deny buttons (kept current
// as decisions land), the requester's DMs, and the credentials message. Everything people wrote is
// redacted and escaped; only the credentials message carries a secret, and only in its blocks.

import { formatDuration } from '../../domain/duration.js';
import type { Actor } from '../../domain/incident.js';
import type { Policy } from '../../domain/policy/index.js';
import type { Redactor } from '../../domain/redact.js';
import type { GrantView } from '../../workflows/access/messages.js';
import type { CredentialsNotice } from '../access/notifier.js';
import type { DecidedNotice } from '../../workflows/access/messages.js';
import { approvalProgress, awaitsDecision, endedLine, policyVerdict } from '../access/describe.js';
import { ACCESS_ACTION_IDS } from '../../domain/slack/action-ids.js';
import { button } from '../../domain/slack/blocks.js';
import { escapeSlackText } from '../../domain/slack/escape.js';
import { createRenderer, type Block } from './render.js';

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

export function slackDate(iso: string): string {
  return `<!date^${Math.floor(Date.parse(iso) / 1000)}^{date_short_pretty} {time_secs}|${iso}>`;
}

export function createAccessRenderer(redactor: Redactor, policy: () => Policy) {
  const base = createRenderer(redactor);
  // Everything here is about one grant of one incident, so its text gets that incident's tokens.
  const about = (incident: string) => {
    const safe = base.safeIn(incident);
    return { safe, who: (actor: Actor | undefined) => base.who(actor, incident), caps: (view: GrantView) => safe(view.capabilities.join(', ')) };
  };

  /** The approval request as approvers see it; the buttons go once nobody needs to decide. */
  function request(view: GrantView, outcome?: string): SlackMessage {
    const { safe, who, caps } = about(view.incident);
    const ext = view.pendingExtension;
    const asking = ext ? `extend *${view.grant}* by ${formatDuration(ext.seconds)}` : `grant *${view.grant}*`;
    const fields = [
      ['Requester', who(view.requester)],
      ['Capabilities', caps(view)],
      ['Duration', formatDuration(view.durationSeconds)],
      ['Incident', safe(view.incident)],
      ['Approvals', safe(approvalProgress(view))],
      ['Policy', safe(policyVerdict(policy(), view))],
    ].map(([label, value]) => ({ type: 'mrkdwn', text: `*${label}*\n${value}` }));
    const blocks: Block[] = [
      { type: 'section', text: { type: 'mrkdwn', text: `:key: Access request: ${asking}${view.escalation > 0 ? ' _(escalated)_' : ''}\n>${safe(ext?.reason ?? view.reason)}` } },
      { type: 'section', fields },
    ];
    if (awaitsDecision(view)) {
      blocks.push({
        type: 'actions',
        block_id: `grant_actions:${view.grant}`,
        elements: [button('Approve', ACCESS_ACTION_IDS.approve, view.grant, 'primary'), button('Deny', ACCESS_ACTION_IDS.deny, view.grant, 'danger')],
      });
    }
    if (outcome) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: outcome }] });
    const text = `Access request ${view.grant}: ${view.capabilities.join(', ')} for ${formatDuration(view.durationSeconds)} by ${view.requester.name ?? view.requester.id}`;
    return { text: safe(text), blocks };
  }

  /** The line under the request, and the requester's DM, after a decision. */
  function decision(notice: DecidedNotice): string {
    const { view, by } = notice;
    const { safe, who, caps } = about(view.incident);
    const grant = `*${view.grant}* (${caps(view)})`;
    switch (notice.decision) {
      case 'approved':
        return `:white_check_mark: ${who(by)} approved ${grant} (${safe(approvalProgress(view))})`;
      case 'denied':
        return `:no_entry: ${who(by)} denied ${view.status === 'active' ? `the extension of ${grant}` : grant}${view.endReason ? `: ${safe(view.endReason)}` : ''}`;
      case 'extended':
        return `:hourglass_flowing_sand: ${grant} extended by ${who(by)}, now until ${view.expiresAt ? slackDate(view.expiresAt) : 'its new expiry'}`;
      case 'extension_requested':
        return `:hourglass: ${who(by)} asked to extend ${grant}`;
    }
  }

  function ended(view: GrantView, status: GrantView['status'], reason?: string): string {
    const { safe } = about(view.incident);
    return `:lock: ${safe(endedLine(view, status, reason))}`;
  }

  function expiring(view: GrantView, expiresAt: string): SlackMessage {
    const { caps } = about(view.incident);
    const text = `:alarm_clock: *${view.grant}* (${caps(view)}) expires ${slackDate(expiresAt)}. Extend it by ${formatDuration(view.durationSeconds)} if you still need it.`;
    return {
      text: `${view.grant} expires soon`,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text } },
        { type: 'actions', block_id: `grant_expiring:${view.grant}`, elements: [button('Extend', ACCESS_ACTION_IDS.extend, view.grant, 'primary')] },
      ],
    };
  }

  /**
   * The one message that holds a secret. The fallback text (shown in notifications and previews)
   * names the grant only; the secret is in the blocks, escaped but never redacted, or it would not work.
   */
  function credentials(notice: CredentialsNotice): SlackMessage {
    const secret = Object.entries(notice.secret ?? {}).filter(([key, value]) => !(key === 'urls' && value === notice.secret?.url));
    const { safe } = about(notice.incident);
    const lines = secret.map(([key, value]) => `*${escapeSlackText(key)}*: \`${escapeSlackText(value)}\``);
    const head = `:closed_lock_with_key: *${notice.grant}* (${safe(notice.capabilities.join(', '))}, ${safe(notice.incident)}) until ${slackDate(notice.expiresAt)}\n${safe(notice.summary)}`;
    const blocks: Block[] = [{ type: 'section', text: { type: 'mrkdwn', text: head } }];
    if (lines.length) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n') } });
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Only you can see this. Never paste it into a channel or issue; it stops working when the grant ends.' }] });
    return { text: `Your access for ${notice.grant} is ready`, blocks };
  }

  return { request, decision, ended, expiring, credentials };
}

export type AccessRenderer = ReturnType<typeof createAccessRenderer>;
