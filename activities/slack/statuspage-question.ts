// The resolve question about the public incident, as the incident channel shows it: the question and
// two buttons. "Resolve public incident" answers the clicker with the same preview and Post/Cancel
// step as `/incident statuspage resolve`; "Keep it open" records the choice. Both are decided by
// the incident's policy (publicUpdate) when clicked, not here.

import { STATUSPAGE_ACTION_IDS } from '../../domain/slack/action-ids.js';
import { PUBLIC_INCIDENT_QUESTION } from '../../domain/statuspage.js';
import type { Actor } from '../../domain/incident.js';
import type { TimelineKind } from '../../domain/timeline.js';
import type { IncidentView } from '../../workflows/incident/messages.js';
import type { Block, Renderer } from './render.js';

/**
 * The message's blocks when this notice is the incident's own question, nothing otherwise (a
 * person's note with the same words is just a note).
 */
export function publicIncidentQuestion(render: Renderer, view: IncidentView, kind: TimelineKind, text: string, actor: Actor | undefined): { blocks?: Block[] } {
  if (kind !== 'note' || actor?.source !== 'system' || !text.startsWith(PUBLIC_INCIDENT_QUESTION)) return {};
  const button = (label: string, actionId: string, style?: 'primary') => ({ type: 'button', action_id: actionId, text: { type: 'plain_text', text: label }, value: view.key, ...(style ? { style } : {}) });
  const blocks: Block[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `:satellite_antenna: ${render.safeIn(view.key)(text)}` } },
    {
      type: 'actions',
      block_id: `public_incident:${view.key}`,
      elements: [button('Resolve public incident', STATUSPAGE_ACTION_IDS.resolvePublic, 'primary'), button('Keep it open', STATUSPAGE_ACTION_IDS.keepPublic)],
    },
  ];
  return { blocks };
}
