// Extend on the expiry warning. A button has no room for a duration, so it asks for the grant's
// original duration again, cut to what the policy's maximum still allows: the requester gets the
// same window they asked for once, and a grant at its maximum is refused with the workflow's own
// sentence ("request a new grant instead"). `/incident access extend GR-N 10m` picks any other length.

import { approvalRequirement } from '../../../../domain/access/rules.js';
import { grantWorkflowId } from '../../../../domain/ids.js';
import { stateQuery, type GrantView } from '../../../../workflows/access/messages.js';
import { toRefusal } from '../../../workflow-client.js';
import type { SlackDeps } from '../deps.js';
import { runGrantButton } from './run-grant-update.js';
import type { ButtonArgs } from './run-update.js';

export function extensionSeconds(deps: Pick<SlackDeps, 'policy'>, view: GrantView): number {
  const known = view.capabilities.filter((c) => deps.policy.capabilities[c]);
  if (!view.activatedAt || !view.expiresAt || known.length === 0) return view.durationSeconds;
  const granted = Math.round((Date.parse(view.expiresAt) - Date.parse(view.activatedAt)) / 1000);
  const left = approvalRequirement(deps.policy, known).maxDurationSeconds - granted;
  return left > 0 ? Math.min(view.durationSeconds, left) : view.durationSeconds;
}

export function grantExtend(deps: SlackDeps) {
  return async (args: ButtonArgs): Promise<void> => {
    await args.ack();
    await runGrantButton(deps, args, async (grant) => {
      let view: GrantView;
      try {
        view = await deps.temporal.client.workflow.getHandle(grantWorkflowId(grant)).query(stateQuery);
      } catch (err) {
        throw toRefusal(err, grant) ?? err;
      }
      return { kind: 'access-extend', grant, durationSeconds: extensionSeconds(deps, view) };
    });
  };
}
