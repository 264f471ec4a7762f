// The worker bundles this file (workflowsPath): every workflow type is exported from here.
export { incidentWorkflow } from './incident/workflow.js';
export { declareIncidentWorkflow } from './declare/workflow.js';
export { githubRedeliveryWorkflow } from './github-redelivery/workflow.js';
export { githubDeliveryWorkflow } from './github-delivery/workflow.js';
export { accessGrantWorkflow } from './access/workflow.js';
export { sandboxWorkflow } from './sandbox/workflow.js';
export { postmortemWorkflow } from './postmortem/workflow.js';
export { weeklyDigestWorkflow } from './digest/workflow.js';
export { retentionWorkflow } from './retention/workflow.js';
export { auditSealWorkflow } from './audit-seal/workflow.js';
export { alertGroupWorkflow } from './alert-group/workflow.js';
export { pageEscalationWorkflow } from './page-escalation/workflow.js';
export { webhookDeliveryWorkflow, webhookReplayWorkflow } from './webhooks/workflow.js';
export { ruleWorkflow } from './rule/workflow.js';
