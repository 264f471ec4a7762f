import { WorkflowExecutionAlreadyStartedError, WorkflowIdReusePolicy } from '@temporalio/common';
import { ApplicationFailure, ParentClosePolicy, log, patched, proxyActivities, proxyLocalActivities, startChild } from '@temporalio/workflow';
import type { Activities } from '../../activities/index.js';
import { declarationProblem } from '../../domain/declaration.js';
import { incidentWorkflowId } from '../../domain/ids.js';
import { PERSISTENCE_OPTIONS } from '../kernel/persistence.js';
import { incidentWorkflow } from '../incident/workflow.js';
import { incidentKeyAttribute, phaseAttribute, servicesAttribute, severityAttribute } from '../kernel/search-attributes.js';
import type { DeclareIncidentInput, DeclareIncidentResult } from './messages.js';

const scheduledRows = proxyActivities<Activities>(PERSISTENCE_OPTIONS);
// Reading the policy and taking the number are short Postgres work: as local activities they ride
// in this workflow's own tasks instead of a task round trip each through the server (issue 16).
const localRows = proxyLocalActivities<Activities>(PERSISTENCE_OPTIONS);

/** Histories recorded while these were scheduled activities replay that way. */
const LOCAL_DECLARE_ROWS = 'declare-rows-as-local-activities';

// Only GitHub asks for a link; a link another incident holds stays with it.
const { linkGitHubIssue } = proxyActivities<Activities>({
  startToCloseTimeout: '30s',
  retry: { initialInterval: '1s', maximumInterval: '30s', nonRetryableErrorTypes: ['LinkTaken'] },
});

/** Histories recorded before the webhook left link rows to this workflow; they replay without it. */
const LINK_DECLARING_ISSUE = 'declare-links-github-issue';

/** Histories recorded before it attached to any existing `incident:INC-N`; they replay that way. */
const REFUSE_FOREIGN_INCIDENT_WORKFLOW = 'declare-refuses-foreign-incident-workflow';

/** Private declarations (issue 17 §1) hand `private` to the incident they start. */
const DECLARE_PRIVATE = 'declare-private-incidents';

/**
 * Gives a declaration its `INC-N` exactly once and starts the long-lived incident workflow, which
 * outlives this one (ABANDON). Front-ends run this under `declare:<idempotencyKey>`, so a retried
 * Slack request or a double-submitted modal finds the same result.
 */
export async function declareIncidentWorkflow(input: DeclareIncidentInput): Promise<DeclareIncidentResult> {
  const { allocateIncident, loadPolicy } = patched(LOCAL_DECLARE_ROWS) ? localRows : scheduledRows;
  const policy = await loadPolicy();
  const problem = declarationProblem(input, Object.keys(policy.services));
  if (problem) throw ApplicationFailure.create({ type: 'InvalidDeclaration', message: problem, nonRetryable: true });
  const declaredAt = new Date().toISOString();
  const { key, created } = await allocateIncident({ ...input, declaredAt });
  const workflowId = incidentWorkflowId(key);
  try {
    await startChild(incidentWorkflow, {
      workflowId,
      args: [
        {
          key,
          title: input.title.trim(),
          description: input.description,
          severity: input.severity,
          services: input.services,
          source: input.source,
          sourceRef: input.sourceRef,
          reporter: input.reporter,
          declaredAt,
          // Only private declarations take this branch, so earlier histories replay unchanged.
          ...(input.private && patched(DECLARE_PRIVATE) ? { private: true } : {}),
        },
      ],
      parentClosePolicy: ParentClosePolicy.ABANDON,
      // A closed incident must never be started again under the same key.
      workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
      typedSearchAttributes: [
        { key: incidentKeyAttribute, value: key },
        { key: severityAttribute, value: input.severity },
        { key: phaseAttribute, value: 'declared' },
        { key: servicesAttribute, value: input.services },
      ],
    });
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    // A number this declaration has just taken is new to this database, so a workflow already under
    // its ID was started by another database (this one before a restore, or a second Firebreak on
    // the namespace): attaching would send this incident's updates to that one. The allocation
    // passes over such numbers, so only a race gets here. A repeated declaration (created: false)
    // does find its own incident there, as before.
    if (created && patched(REFUSE_FOREIGN_INCIDENT_WORKFLOW)) {
      throw ApplicationFailure.create({
        type: 'IncidentWorkflowTaken',
        message: `${workflowId} already exists in this Temporal namespace for another declaration, so ${key} was not declared; declare again, and see "Restoring the database" in the README if it happens twice.`,
        nonRetryable: true,
      });
    }
  }
  if (input.linkIssue && patched(LINK_DECLARING_ISSUE)) await linkIssue(key, input.linkIssue);
  return { key, workflowId, created };
}

async function linkIssue(incident: string, issue: string): Promise<void> {
  try {
    await linkGitHubIssue({ incident, issue });
  } catch (err) {
    // Only a race gets here (another incident took the issue meanwhile); the declaration stands.
    log.warn('the declaring issue is linked to another incident', { incident, issue, error: String(err) });
  }
}
