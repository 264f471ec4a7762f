// The two answers to "Resolve the public incident too?". Resolving is never one click: it answers
// the clicker with the same preview and Post/Cancel step as `/incident statuspage resolve`, with a
// default text they read before it goes out; Post runs the command and the decision point decides
// it. "Keep it open" runs the incident's keepPublicIncident update, decided the same way.

import type { RespondArguments } from '@slack/bolt';
import type { Command } from '../../../../domain/commands/index.js';
import { DEFAULT_PUBLIC_RESOLVE_TEXT } from '../../../../domain/statuspage.js';
import * as msg from '../../../../workflows/incident/messages.js';
import { incidentHandle, requestUpdateId } from '../../../workflow-client.js';
import { ephemeral } from '../../render/reply.js';
import type { SlackDeps } from '../deps.js';
import { buttonRequestKey, buttonValue, runButtonUpdate, type ButtonArgs } from './run-update.js';
import { statusPagePreview } from './statuspage-confirm.js';

export function publicIncidentResolve(deps: SlackDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    const incident = buttonValue(args);
    if (!incident) return void (await args.respond(ephemeral('That button has lost its incident; run `/incident statuspage resolve TEXT` in the channel.')));
    const command: Extract<Command, { kind: 'statuspage' }> = { kind: 'statuspage', verb: 'resolve', components: [], text: DEFAULT_PUBLIC_RESOLVE_TEXT };
    const preview = statusPagePreview(deps, command, incident, buttonRequestKey(args.body));
    const other = { type: 'context', elements: [{ type: 'mrkdwn', text: 'To tell customers something else, run `/incident statuspage resolve TEXT` instead.' }] };
    const blocks = 'blocks' in preview && Array.isArray(preview.blocks) ? [...(preview.blocks as object[]), other] : undefined;
    await args.respond((blocks ? { ...preview, blocks } : preview) as RespondArguments);
  };
}

export function publicIncidentKeep(deps: SlackDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await runButtonUpdate(deps, args, buttonValue(args), async (actor, incident, requestKey) => {
      const result = await incidentHandle(deps.temporal, incident).executeUpdate(msg.keepPublicIncidentUpdate, {
        args: [{ actor }],
        updateId: requestUpdateId(requestKey, msg.keepPublicIncidentUpdate),
      });
      await args.respond({ ...ephemeral(result.text), replace_original: false });
    });
  };
}
