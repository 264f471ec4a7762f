// Block Kit for the pinned incident summary and the plain lines posted to channels. Every string
// people wrote is redacted and escaped, so a title like `<!channel>` cannot ping a whole workspace.

import type { Actor, Role } from '../../domain/incident.js';
import { extraRoles } from '../../domain/incident-roles.js';
import { checkTransition, isActivePhase } from '../../domain/lifecycle.js';
import type { Redactor } from '../../domain/redact.js';
import type { TimelineKind } from '../../domain/timeline.js';
import type { IncidentView } from '../../workflows/incident/messages.js';
import { ACTION_IDS } from '../../domain/slack/action-ids.js';
import { button, type Block } from '../../domain/slack/blocks.js';
import { escapeSlackText } from '../../domain/slack/escape.js';
import { openTasksBlock } from './task-render.js';

export type { Block };

const MAX_CHANNEL_NAME = 80;

/** `inc-12-checkout-returns-502`; Slack allows lowercase letters, digits, `-` and `_`, 80 at most. */
export function channelName(key: string, title: string, suffix?: number): string {
  const number = key.replace(/^INC-/, '');
  const tail = suffix && suffix > 1 ? `-${suffix}` : '';
  const prefix = `inc-${number}-`;
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_CHANNEL_NAME - prefix.length - tail.length)
    .replace(/-+$/, '');
  return `${prefix}${slug || 'incident'}${tail}`;
}

export function createRenderer(redactor: Redactor, publicUrl?: string) {
  const safe = (text: string) => escapeSlackText(redactor.redact(text));
  // Text about one incident gets that incident's redaction tokens (domain/redact.ts).
  const safeIn = (incident: string | undefined) => {
    if (incident === undefined) return safe;
    const scoped = redactor.forIncident(incident);
    return (text: string) => escapeSlackText(scoped.redact(text));
  };

  function who(actor: Actor | undefined, incident?: string): string {
    if (!actor) return '_nobody yet_';
    if (actor.source === 'slack' && /^[UW][A-Z0-9]+$/.test(actor.id)) return `<@${actor.id}>`;
    return safeIn(incident)(actor.name ?? actor.id);
  }

  function summaryBlocks(view: IncidentView, channelId?: string): Block[] {
    const safe = safeIn(view.key);
    const role = (r: Role) => who(view.roles[r], view.key);
    const fields = [
      ['Severity', view.severity],
      ['Phase', view.phase],
      ['Commander', role('commander')],
      ['Comms', role('comms')],
      ['Scribe', role('scribe')],
      ['Services', view.services.length ? safe(view.services.join(', ')) : '—'],
      ['Reporter', who(view.reporter, view.key)],
      ['Next update due', view.statusUpdateDueAt ? slackDate(view.statusUpdateDueAt) : '—'],
    ].map(([label, value]) => ({ type: 'mrkdwn', text: `*${label}*\n${value}` }));
    const blocks: Block[] = [
      { type: 'header', text: { type: 'plain_text', text: `${view.key} · ${view.severity} · ${view.phase}`.slice(0, 150) } },
      { type: 'section', text: { type: 'mrkdwn', text: `*${safe(view.title)}*${view.description ? `\n${safe(view.description)}` : ''}` } },
      { type: 'section', fields },
      { type: 'context', elements: [{ type: 'mrkdwn', text: links(view, channelId) }] },
    ];
    // The policy's roles (a section of their own: Slack allows ten fields, the eight above stay).
    const extra = extraRoles(view.roles, view.requiredRoles);
    if (extra.length) {
      const lines = extra.map((r) => `• *${r.role}*: ${who(r.holder, view.key)}${r.required && !r.holder ? ' (required)' : ''}`);
      blocks.splice(3, 0, { type: 'section', text: { type: 'mrkdwn', text: `*Roles*\n${lines.join('\n')}`.slice(0, 3000) } });
    }
    // Grants people hold or asked for (GR-N status summary); the summaries never carry a secret.
    if (view.grants.length) {
      const lines = view.grants.map((g) => `• *${safe(g.id)}* ${safe(g.status.replace('_', ' '))} — ${safe(g.summary)}`);
      blocks.splice(3, 0, { type: 'section', text: { type: 'mrkdwn', text: `*Access grants*\n${lines.join('\n')}`.slice(0, 3000) } });
    }
    // Sandboxes with their provenance in short (source, seed, content hash, expiry); never credentials.
    if (view.sandboxes.length) {
      const lines = view.sandboxes.map((c) => `• *${safe(c.id)}* ${safe(c.status.replace('_', ' '))} — ${safe(c.summary)}`);
      blocks.splice(3, 0, { type: 'section', text: { type: 'mrkdwn', text: `*Sandboxes*\n${lines.join('\n')}`.slice(0, 3000) } });
    }
    const tasks = openTasksBlock(view.tasks, safe, (a) => who(a, view.key));
    if (tasks) blocks.splice(3, 0, tasks);
    if (isActivePhase(view.phase)) blocks.push(actionsBlock(view));
    return blocks;
  }

  function links(view: IncidentView, channelId?: string): string {
    const parts = [`Declared ${slackDate(view.declaredAt)} via ${view.source}`];
    if (channelId) parts.push(`channel <#${channelId}>`);
    if (publicUrl) parts.push(`<${publicUrl}/incidents/${view.key}|dashboard>`);
    return parts.join(' · ');
  }

  /** The channel topic and the summary's fallback `text`: Slack renders both, so the title is escaped. */
  function summaryText(view: IncidentView): string {
    return `${view.key} · ${view.severity} · ${view.phase}: ${safeIn(view.key)(view.title)}`;
  }

  /** The line an incident channel gets for one timeline event. */
  function eventLine(kind: TimelineKind, text: string, actor: Actor | undefined, incident?: string): string {
    const safe = safeIn(incident);
    const by = actor && actor.source !== 'system' ? ` — ${who(actor, incident)}` : '';
    if (kind === 'status_update') return `:mega: *Status update*${by}\n${safe(text)}`;
    if (kind === 'reminder') return `:alarm_clock: ${safe(text)}`;
    if (kind === 'context') return `:mag: *What changed around the start*\n${safe(text)}`;
    return `${safe(text)}${by}`;
  }

  function announcement(view: IncidentView, channelId: string, text?: string): string {
    const safe = safeIn(view.key);
    if (!text) return `:rotating_light: *${view.key}* declared (${view.severity}): ${safe(view.title)} — join <#${channelId}>`;
    return `*${view.key}* (${view.severity}, ${view.phase}) in <#${channelId}>: ${safe(text)}`;
  }

  /** The resolve question: Keep/Restore for each flag still waiting for a decision (value `INC-N|flag@env`). */
  function flagQuestionBlocks(view: IncidentView, text: string): Block[] {
    const safe = safeIn(view.key);
    const blocks: Block[] = [{ type: 'section', text: { type: 'mrkdwn', text: `:triangular_flag_on_post: ${safe(text)}` } }];
    for (const c of view.flagChanges.filter((f) => f.status === 'awaiting decision')) {
      const value = `${view.key}|${c.id}`;
      blocks.push(
        { type: 'section', text: { type: 'mrkdwn', text: `*${safe(c.id)}* — ${safe(c.summary)}` } },
        { type: 'actions', block_id: `flag_decision:${c.id}`, elements: [button('Keep', ACTION_IDS.flagKeep, value), button('Restore', ACTION_IDS.flagRestore, value)] },
      );
    }
    return blocks;
  }

  /**
   * An alert group's "all resolved" note, put to the commander (mentioned, so Slack notifies them)
   * with a Mark mitigated button while the incident can still be marked so; past that, the line alone.
   */
  function allResolvedQuestion(view: IncidentView, text: string): { text: string; blocks?: Block[] } {
    const line = `:white_check_mark: ${safeIn(view.key)(text)}`;
    if (!checkTransition(view.phase, 'mitigated').ok) return { text: line };
    const commander = view.roles.commander;
    const asked = commander ? `${line}\n${who(commander, view.key)}, is ${view.key} mitigated?` : line;
    const markMitigated = { ...button('Mark mitigated', ACTION_IDS.mitigated, view.key), style: 'primary' };
    return {
      text: asked,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: asked } },
        { type: 'actions', block_id: `alerts_resolved:${view.key}`, elements: [markMitigated] },
      ],
    };
  }

  return { summaryBlocks, summaryText, eventLine, announcement, who, safe, safeIn, flagQuestionBlocks, allResolvedQuestion };
}

export type Renderer = ReturnType<typeof createRenderer>;

function slackDate(iso: string): string {
  const seconds = Math.floor(Date.parse(iso) / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${iso}>`;
}

function actionsBlock(view: IncidentView): Block {
  const key = view.key;
  const severityOptions = (['SEV1', 'SEV2', 'SEV3', 'SEV4'] as const).map((s) => ({
    text: { type: 'plain_text', text: s },
    value: `${key}|${s}`,
  }));
  return {
    type: 'actions',
    block_id: `incident_actions:${key}`,
    elements: [
      button(view.roles.commander ? 'Acknowledge' : 'Take command', ACTION_IDS.acknowledge, key),
      {
        type: 'static_select',
        action_id: ACTION_IDS.severity,
        placeholder: { type: 'plain_text', text: 'Change severity' },
        options: severityOptions,
      },
      ...(view.phase === 'monitoring' ? [] : [button('Mark mitigated', ACTION_IDS.mitigated, key)]),
      {
        ...button('Resolve', ACTION_IDS.resolve, key),
        style: 'danger',
        confirm: {
          title: { type: 'plain_text', text: `Resolve ${key}?` },
          text: { type: 'mrkdwn', text: 'Resolving ends the incident and tears down its grants and sandboxes.' },
          confirm: { type: 'plain_text', text: 'Resolve' },
          deny: { type: 'plain_text', text: 'Cancel' },
        },
      },
    ],
  };
}
