// The incident workflow as a careless change would leave it: an extra timer before anything else,
// added without patched(). Replaying a real history against it must fail.
import { sleep } from '@temporalio/workflow';
import { incidentWorkflow as current } from '../../workflows/incident/workflow.js';
import type { IncidentInput } from '../../workflows/incident/messages.js';

export async function incidentWorkflow(input: IncidentInput) {
  await sleep('1s');
  return current(input);
}
