// A person's App Home, as Block Kit: their open incidents and roles, the access requests waiting for
// them with the same Approve/Deny buttons as the channel and DM requests (so the same listeners and
// the same decision point handle a click), and their action items due within a week. Pure: the Slack
// listener (opening the tab, Refresh) and the refresh activity build the same view from the same data.
// Everything people wrote is redacted by the caller's redactor, then escaped here.

import { formatDuration } from '../duration.js';
import { ACCESS_ACTION_IDS, HOME_ACTION_IDS } from './action-ids.js';
import { button, type Block } from './blocks.js';
import { escapeSlackText } from './escape.js';

export interface HomeIncident {
  key: string;
  title: string;
  severity: string;
  phase: string;
  /** Roles this person holds in it (built-in and the policy's own); empty when they only reported it. */
  roles: string[];
  /** The incident channel, when it has a usable one. */
  channelId?: string;
}

export interface HomeApproval {
  grant: string;
  incident: string;
  requester: string;
  capabilities: string[];
  durationSeconds: number;
  reason: string;
  approvals: number;
  quorum: number;
}

export interface HomeActionItem {
  key: string;
  incident: string;
  text: string;
  /** `YYYY-MM-DD`. */
  due: string;
  issueUrl?: string;
}

export interface HomeData {
  incidents: HomeIncident[];
  approvals: HomeApproval[];
  actionItems: HomeActionItem[];
  /** `YYYY-MM-DD`, to mark overdue items. */
  today: string;
}

export interface HomeViewOptions {
  /** The caller's redaction of free text written in one incident. */
  redact(text: string, incident: string): string;
  publicUrl?: string;
  /** One line at the top: the answer to a click made on the Home (an approval, a refusal). */
  notice?: string;
}

export interface HomeView {
  type: 'home';
  blocks: Block[];
}

/** Slack allows 100 blocks in a Home view; these caps keep a full view well under it. */
export const HOME_LIMITS = { incidents: 15, approvals: 10, actionItems: 15 } as const;

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } });
const context = (text: string): Block => ({ type: 'context', elements: [{ type: 'mrkdwn', text }] });
const header = (text: string): Block => ({ type: 'header', text: { type: 'plain_text', text } });

/** One line of someone's text, redacted and escaped, never longer than `max`. */
function oneLine(options: HomeViewOptions, text: string, incident: string, max = 200): string {
  const flat = options.redact(text, incident).replace(/\s+/g, ' ').trim();
  return escapeSlackText(flat.length > max ? `${flat.slice(0, max - 1)}…` : flat);
}

function topBlocks(notice: string | undefined): Block[] {
  return [
    header('Firebreak'),
    ...(notice ? [section(escapeSlackText(notice))] : []),
    { type: 'actions', block_id: 'home_actions', elements: [button('Refresh', HOME_ACTION_IDS.refresh, 'refresh')] },
  ];
}

/** Shows the first `limit` entries, and "and N more" when there are others. */
function capped<T>(items: T[], limit: number, render: (item: T) => Block[], more: string): Block[] {
  const shown = items.slice(0, limit).flatMap(render);
  return items.length > limit ? [...shown, context(`…and ${items.length - limit} more ${more}.`)] : shown;
}

function incidentBlocks(data: HomeData, options: HomeViewOptions): Block[] {
  if (data.incidents.length === 0) return [section('*Your open incidents*\nNone: you hold no role in an open incident and reported none.')];
  return [
    section('*Your open incidents*'),
    ...capped(
      data.incidents,
      HOME_LIMITS.incidents,
      (i) => {
        const roles = i.roles.length ? `you are ${i.roles.map(escapeSlackText).join(', ')}` : 'you reported it';
        const links = [i.channelId ? `<#${i.channelId}>` : '', options.publicUrl ? `<${options.publicUrl}/incidents/${i.key}|dashboard>` : ''].filter(Boolean).join(' · ');
        return [section(`*${i.key}* ${i.severity} · ${i.phase} · ${oneLine(options, i.title, i.key)}\n${roles}${links ? ` · ${links}` : ''}`)];
      },
      'incidents (`/incident list`)',
    ),
  ];
}

function approvalBlocks(data: HomeData, options: HomeViewOptions): Block[] {
  if (data.approvals.length === 0) return [section('*Access requests waiting for you*\nNone.')];
  return [
    section('*Access requests waiting for you*'),
    ...capped(
      data.approvals,
      HOME_LIMITS.approvals,
      (a) => [
        section(
          `:key: *${a.grant}* (${a.incident}): ${escapeSlackText(a.capabilities.join(', '))} for ${formatDuration(a.durationSeconds)}, asked by ${oneLine(options, a.requester, a.incident, 80)} · ${a.approvals}/${a.quorum} approvals\n>${oneLine(options, a.reason, a.incident)}`,
        ),
        // The channel and DM requests' buttons exactly: the same listeners run them through the grant workflow.
        { type: 'actions', block_id: `grant_actions:${a.grant}`, elements: [button('Approve', ACCESS_ACTION_IDS.approve, a.grant, 'primary'), button('Deny', ACCESS_ACTION_IDS.deny, a.grant, 'danger')] },
      ],
      'requests',
    ),
  ];
}

function actionItemBlocks(data: HomeData, options: HomeViewOptions): Block[] {
  if (data.actionItems.length === 0) return [section('*Your action items due this week*\nNone overdue or due in the next 7 days.')];
  return [
    section('*Your action items due this week*'),
    ...capped(
      data.actionItems,
      HOME_LIMITS.actionItems,
      (item) => {
        const due = item.due < data.today ? `:warning: overdue since ${item.due}` : `due ${item.due}`;
        const incident = options.publicUrl ? `<${options.publicUrl}/incidents/${item.incident}|${item.incident}>` : item.incident;
        const issue = item.issueUrl && /^https:\/\/[^\s<>|]+$/.test(item.issueUrl) ? ` · <${item.issueUrl}|issue>` : '';
        return [section(`*${item.key}* ${oneLine(options, item.text, item.incident)}\n${due} · ${incident}${issue}`)];
      },
      'items (`/incident actions mine`)',
    ),
  ];
}

export function homeView(data: HomeData, options: HomeViewOptions): HomeView {
  const divider = { type: 'divider' };
  return {
    type: 'home',
    blocks: [
      ...topBlocks(options.notice),
      ...incidentBlocks(data, options),
      divider,
      ...approvalBlocks(data, options),
      divider,
      ...actionItemBlocks(data, options),
      divider,
      context('Declare one with `/incident declare TITLE sev:2 service:NAME`, every command with `/incident help`.'),
    ],
  };
}

/** Someone the policy does not name: nothing here is theirs, and it says how that changes. */
export function guestHomeView(notice?: string): HomeView {
  return {
    type: 'home',
    blocks: [
      ...topBlocks(notice),
      section("*You are not in Firebreak's policy.*\nAsk whoever maintains `firebreak.config.yaml` to add your Slack ID to a team; your incidents, approvals and action items then show here."),
      context('You can still declare one with `/incident declare TITLE sev:2 service:NAME`, or see every command with `/incident help`.'),
    ],
  };
}
