// Sending an update and answering the webhook once the workflow has accepted it: the update is then
// in the workflow's history and runs to its end whatever happens to this process or the worker,
// so a delivery need not wait for the write behind it. A validator's refusal is known at
// acceptance and raised here; what happens later is the delivery workflow's to wait for.

import { Client, WorkflowUpdateStage, type WorkflowClientInterceptor } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';

export interface Accepted {
  /** The run that accepted the update: the one whose outcome the delivery's workflow awaits. */
  runId?: string;
  updateId: string;
}

/**
 * Updates whose outcome came back with the acceptance (a validator's refusal, or an update done
 * already), by workflow and update ID. The client's `startUpdate` keeps that outcome inside the
 * handle it returns, so an interceptor is the one place that sees whether there was one.
 */
const settledOnArrival = new Set<string>();
const arrivalKey = (workflowId: string, updateId: string) => `${workflowId}\u0000${updateId}`;

const noteSettled: WorkflowClientInterceptor = {
  async startUpdate(input, next) {
    const output = await next(input);
    if (output.outcome) settledOnArrival.add(arrivalKey(input.workflowExecution.workflowId, output.updateId));
    return output;
  },
};

/** A client beside the front-end's, on its connection and codec, whose updates report arrival outcomes. */
const accepting = new WeakMap<Client, Client>();

function acceptingClient(client: Client): Client {
  let found = accepting.get(client);
  if (!found) {
    const { namespace, dataConverter, identity, interceptors } = client.options;
    const workflow = Array.isArray(interceptors.workflow) ? interceptors.workflow : [];
    found = new Client({ connection: client.connection, namespace, dataConverter, identity, interceptors: { ...interceptors, workflow: [...workflow, noteSettled] } });
    accepting.set(client, found);
  }
  return found;
}

/**
 * Sends `definition` to `workflowId` under `updateId` and returns once the workflow has accepted it.
 * Throws the update's failure (WorkflowUpdateFailedError) when its validator refused it, and what
 * the client throws when the workflow does not exist. A repeated `updateId` finds the first update.
 */
export async function acceptUpdate<R, I>(client: Client, workflowId: string, definition: UpdateDefinition<R, [I]>, input: I, updateId: string): Promise<Accepted> {
  const handle = await acceptingClient(client)
    .workflow.getHandle(workflowId)
    .startUpdate(definition, { args: [input], updateId, waitForStage: WorkflowUpdateStage.ACCEPTED });
  // With the outcome in hand, result() decodes it without a call: it throws a refusal, and a
  // success needs no more here (the delivery's workflow reads it again to reply).
  if (settledOnArrival.delete(arrivalKey(workflowId, handle.updateId))) await handle.result();
  return { ...(handle.workflowRunId ? { runId: handle.workflowRunId } : {}), updateId: handle.updateId };
}
