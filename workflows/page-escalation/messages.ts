// The page-escalation workflow's contract: started by the activity that sent a page
// (activities/pagerduty/escalation-start.ts) under `page-escalation:<dedupKey>:<service>`, with the
// payloads defined in domain/paging.ts, where history payloads live. It takes no messages: it asks
// the incident's stored record whether the page was acknowledged.

export {
  PAGE_ESCALATION_WORKFLOW,
  pageEscalationWorkflowId,
  type EscalatePageInput,
  type EscalationStep,
  type PageEscalationInput,
  type PageEscalationResult,
} from '../../domain/paging.js';

/** Level 1 wakes the owning team's manager, level 2 the fallback; then nobody more. */
export const ESCALATION_LEVELS = 2;
