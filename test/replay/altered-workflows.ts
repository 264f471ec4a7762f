// Every workflow type as a careless change would leave it: an extra timer before anything else,
// added without patched(). Replaying a real history of any type against these must fail.
import { sleep } from '@temporalio/workflow';
import * as current from '../../workflows/index.js';

type InputOf<W extends (...args: never[]) => unknown> = Parameters<W>[0];

export async function incidentWorkflow(input: InputOf<typeof current.incidentWorkflow>) {
  await sleep('1s');
  return current.incidentWorkflow(input);
}

export async function accessGrantWorkflow(input: InputOf<typeof current.accessGrantWorkflow>) {
  await sleep('1s');
  return current.accessGrantWorkflow(input);
}

export async function sandboxWorkflow(input: InputOf<typeof current.sandboxWorkflow>) {
  await sleep('1s');
  return current.sandboxWorkflow(input);
}

export async function retentionWorkflow(input: InputOf<typeof current.retentionWorkflow>) {
  await sleep('1s');
  return current.retentionWorkflow(input);
}

export async function weeklyDigestWorkflow() {
  await sleep('1s');
  return current.weeklyDigestWorkflow();
}

export async function githubRedeliveryWorkflow(input: InputOf<typeof current.githubRedeliveryWorkflow>) {
  await sleep('1s');
  return current.githubRedeliveryWorkflow(input);
}

export async function githubDeliveryWorkflow(input: InputOf<typeof current.githubDeliveryWorkflow>) {
  await sleep('1s');
  return current.githubDeliveryWorkflow(input);
}

export async function alertGroupWorkflow(input: InputOf<typeof current.alertGroupWorkflow>) {
  await sleep('1s');
  return current.alertGroupWorkflow(input);
}

export async function pageEscalationWorkflow(input: InputOf<typeof current.pageEscalationWorkflow>) {
  await sleep('1s');
  return current.pageEscalationWorkflow(input);
}

export async function auditSealWorkflow() {
  await sleep('1s');
  return current.auditSealWorkflow();
}

export async function webhookDeliveryWorkflow(input: InputOf<typeof current.webhookDeliveryWorkflow>) {
  await sleep('1s');
  return current.webhookDeliveryWorkflow(input);
}

export async function webhookReplayWorkflow(input: InputOf<typeof current.webhookReplayWorkflow>) {
  await sleep('1s');
  return current.webhookReplayWorkflow(input);
}

export async function ruleWorkflow(input: InputOf<typeof current.ruleWorkflow>) {
  await sleep('1s');
  return current.ruleWorkflow(input);
}
