// A workflow interceptor module that alters one step late in each workflow, the way a careless edit
// deep inside it would: a short timer before that step's activity, without patched(). The real
// workflow code runs otherwise unchanged, so a replay failing here proves the recorded history
// reaches that step (the flag saga's switch inside an incident, a grant's extension, a sandbox's
// teardown …), not only the workflow's first command.
import { sleep, workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

/** Per workflow type, the activity that now waits first. Keyed by activity name, which survives file moves. */
export const ALTERED_STEP: Record<string, string> = {
  incidentWorkflow: 'applyFlagChange',
  accessGrantWorkflow: 'extendGrant',
  sandboxWorkflow: 'destroySandbox',
  retentionWorkflow: 'recordRetentionReport',
  weeklyDigestWorkflow: 'sendWeeklyDigests',
  githubRedeliveryWorkflow: 'redeliverGitHubDelivery',
  githubDeliveryWorkflow: 'postGitHubReply',
  alertGroupWorkflow: 'addAlertNote',
  pageEscalationWorkflow: 'notifyPostmortem',
  auditSealWorkflow: 'sealAuditCheckpoint',
  webhookDeliveryWorkflow: 'deliverWebhookEvent',
  webhookReplayWorkflow: 'redeliverWebhookEvent',
  ruleWorkflow: 'reportRuleRun',
};

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      async scheduleActivity(input, next) {
        if (ALTERED_STEP[workflowInfo().workflowType] === input.activityType) await sleep(1);
        return next(input);
      },
    },
  ],
});
