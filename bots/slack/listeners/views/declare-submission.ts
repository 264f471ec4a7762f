// The declaration form submitted: field errors go back in the ack; a valid form closes at once and
// the incident is declared under the view's ID, so a double submit yields one incident.

import type { AllMiddlewareArgs, SlackViewMiddlewareArgs } from '@slack/bolt';
import { declareIncident } from '../../../workflow-client.js';
import { slackActor, type SlackDeps } from '../deps.js';
import { BLOCKS, declareFormErrors, readDeclareForm } from '../../render/declare-modal.js';
import { admitRequest } from '../../../commands/limits.js';

type Args = SlackViewMiddlewareArgs & AllMiddlewareArgs;

export function declareSubmission(deps: SlackDeps) {
  return async ({ ack, view, body, client }: Args): Promise<void> => {
    const form = readDeclareForm(view);
    const errors = declareFormErrors(form, deps.policy);
    if (errors) return ack({ response_action: 'errors', errors });
    const user = slackActor({ id: body.user.id, name: body.user.name });
    // Past the declaration limits the form stays open and says why, under its title.
    const refused = admitRequest(deps.policy, user, 'declaration');
    if (refused) return ack({ response_action: 'errors', errors: { [BLOCKS.title]: refused } });
    await ack();
    try {
      const result = await declareIncident(deps.temporal, {
        idempotencyKey: `slack:view:${view.id}`,
        title: form.title,
        description: form.description,
        severity: form.severity,
        services: form.services,
        source: 'slack',
        sourceRef: form.channel ? `slack:${form.channel}` : undefined,
        reporter: user,
        ...(form.private ? { private: true } : {}),
      });
      if (form.channel && result.created) {
        const text = `${result.key} declared; its channel is on its way.`;
        // A courtesy only: the reporter is invited to the new channel either way.
        await client.chat.postEphemeral({ channel: form.channel, user: user.id, text }).catch((err: unknown) => deps.logger.warn({ err }, 'declaration note not posted'));
      }
    } catch (err) {
      deps.logger.error({ err, view: view.id }, 'declaration from the Slack form failed');
    }
  };
}
