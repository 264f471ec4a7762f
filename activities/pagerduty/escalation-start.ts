// Starting a page's escalation: a page-escalation workflow per page and service
// (workflows/page-escalation/), started from the activity that sent the page, so automatic pages
// (the notifier) and `page` commands escalate alike and the incident workflow's commands stay as
// they were. Its timer lives in Temporal, so a worker restart neither loses nor repeats it; its ID
// makes a retried activity start nothing twice.

import { Context } from '@temporalio/activity';
import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/client';
import type { Severity } from '../../domain/incident.js';
import { PAGE_ESCALATION_WORKFLOW, pageEscalationWorkflowId, type PageEscalationInput } from '../../domain/paging.js';
import type { Policy } from '../../domain/policy/index.js';
import type { Logger } from '../../platform/logger.js';

export async function startPageEscalation(
  deps: { policy: () => Policy; logger: Logger },
  page: { incident: string; service: string; dedupKey: string; severity: Severity },
): Promise<void> {
  const ackWithinSeconds = deps.policy().paging?.ackWithin[page.severity];
  if (ackWithinSeconds === undefined) return;
  const input: PageEscalationInput = { ...page, ackWithinSeconds };
  const workflowId = pageEscalationWorkflowId(page.dedupKey, page.service);
  const { client, info } = Context.current();
  try {
    await client.workflow.start(PAGE_ESCALATION_WORKFLOW, {
      workflowId,
      taskQueue: info.taskQueue,
      args: [input],
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    });
    deps.logger.info({ incident: page.incident, service: page.service, workflowId, ackWithinSeconds }, 'page escalation started');
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
  }
}
