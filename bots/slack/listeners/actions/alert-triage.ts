// Accept and Decline on an alert group's triage question. The button carries the group's workflow
// ID; the click becomes the group's decideTriage update with an ID from Slack's trigger, so a
// replayed click is one decision. The workflow decides who may (the policy decision point) and
// whether anything is left to decide; this listener only translates and tells the clicker.

import { WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ALERT_GROUP_WORKFLOW_PREFIX, type TriageDecision } from '../../../../domain/alerts/index.js';
import { requestUpdateId } from '../../../workflow-client.js';
import { decideTriageUpdate } from '../../../../workflows/alert-group/messages.js';
import { slackActor, UNAVAILABLE, type SlackDeps } from '../deps.js';
import { ephemeral } from '../../render/reply.js';
import { buttonRequestKey, buttonValue, type ButtonArgs } from './run-update.js';

/** `alert-group:<source>:<32 hex digits>`: anything else names no group and is refused before Temporal is asked. */
const GROUP_ID = new RegExp(`^${ALERT_GROUP_WORKFLOW_PREFIX}[A-Za-z0-9][A-Za-z0-9._-]{0,62}:[0-9a-f]{32}$`);

const GONE = 'That alert is no longer waiting for a decision (its group ended or never existed); nothing changed.';

export function alertTriageButton(deps: SlackDeps, decision: TriageDecision) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    const workflowId = buttonValue(args) ?? '';
    if (!GROUP_ID.test(workflowId)) return void (await args.respond(ephemeral(GONE)));
    const { body } = args;
    const actor = slackActor({ id: body.user.id, name: body.user.name ?? body.user.username });
    try {
      const result = await deps.temporal.client.workflow
        .getHandle(workflowId)
        .executeUpdate(decideTriageUpdate, { args: [{ decision, actor }], updateId: requestUpdateId(buttonRequestKey(body), decideTriageUpdate) });
      await args.respond(ephemeral(result.text));
    } catch (err) {
      const refusal = refusalOf(err);
      if (refusal === undefined) deps.logger.error({ err, workflowId }, 'alert triage button failed');
      await args.respond(ephemeral(refusal ?? UNAVAILABLE)).catch(() => undefined);
    }
  };
}

function refusalOf(err: unknown): string | undefined {
  if (err instanceof WorkflowNotFoundError) return GONE;
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure && err.cause.message) return err.cause.message;
  return undefined;
}
