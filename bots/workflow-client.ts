// The front-ends' side of Temporal: start declarations, run updates, read state. Slack, GitHub and
// the CLI all go through these functions, so they behave the same.

import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  isGrpcServiceError,
  type WorkflowStartOptions,
} from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, WorkflowIdReusePolicy, type UpdateDefinition } from '@temporalio/common';
import { declarationWorkflowId, incidentWorkflowId } from '../domain/ids.js';
import { normaliseInput } from '../domain/text-input.js';
import type { declareIncidentWorkflow } from '../workflows/declare/workflow.js';
import type { DeclareIncidentInput, DeclareIncidentResult } from '../workflows/declare/messages.js';
import { stateQuery, type IncidentView } from '../workflows/incident/messages.js';

export interface TemporalContext {
  client: Client;
  taskQueue: string;
}

/** A refusal a person caused and can fix; its message is shown to them as is. */
export class CommandRefused extends Error {
  override name = 'CommandRefused';
}

/**
 * Every declaration, from every front-end, starts here. Its free text is cleaned first: a NUL that
 * reached the allocation would fail its insert on every retry.
 */
export async function declareIncident(ctx: TemporalContext, declared: DeclareIncidentInput): Promise<DeclareIncidentResult> {
  const { workflowId, options } = declaration(ctx, declared);
  try {
    return await ctx.client.workflow.execute<typeof declareIncidentWorkflow>('declareIncidentWorkflow', options);
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      const earlier = (await ctx.client.workflow.getHandle(workflowId).result()) as DeclareIncidentResult;
      return { ...earlier, created: false };
    }
    throw toRefusal(err) ?? err;
  }
}

/**
 * Starts a declaration without waiting for it: once started it is in Temporal and runs to its end.
 * Undefined when this key's declaration was started before (it answers for both).
 */
export async function startDeclaration(ctx: TemporalContext, declared: DeclareIncidentInput): Promise<{ workflowId: string; runId: string } | undefined> {
  const { workflowId, options } = declaration(ctx, declared);
  try {
    const handle = await ctx.client.workflow.start<typeof declareIncidentWorkflow>('declareIncidentWorkflow', options);
    return { workflowId, runId: handle.firstExecutionRunId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return undefined;
    throw err;
  }
}

function declaration(ctx: TemporalContext, declared: DeclareIncidentInput): { workflowId: string; options: WorkflowStartOptions<typeof declareIncidentWorkflow> } {
  const input: DeclareIncidentInput = {
    ...declared,
    title: normaliseInput(declared.title),
    ...(declared.description === undefined ? {} : { description: normaliseInput(declared.description, { multiline: true }) }),
  };
  const workflowId = declarationWorkflowId(input.idempotencyKey);
  const options: WorkflowStartOptions<typeof declareIncidentWorkflow> = {
    workflowId,
    taskQueue: ctx.taskQueue,
    args: [input],
    // A finished declaration answers every later duplicate with the same incident.
    workflowIdReusePolicy: WorkflowIdReusePolicy.REJECT_DUPLICATE,
    workflowExecutionTimeout: '5m',
  };
  return { workflowId, options };
}

export function incidentHandle(ctx: TemporalContext, key: string) {
  return ctx.client.workflow.getHandle(incidentWorkflowId(key));
}

/**
 * The update ID of one request's update. Temporal runs an update ID once per workflow run and
 * answers a repeat with the first outcome, so a replayed Slack request or a redelivered webhook has
 * one effect. The update's name is part of it: one request may send different updates to one
 * workflow, and two updates sharing an ID would get each other's answer.
 */
export function requestUpdateId(requestKey: string, definition: { name: string }): string {
  return `${requestKey}:${definition.name}`;
}

/**
 * Runs one incident update and returns the incident as it is after it. `requestKey` names the
 * request that asked (Slack trigger or event ID, GitHub delivery, CLI key); every front-end passes
 * one. Only tests, scripts and benchmarks, which send each update once, leave it out.
 */
export async function runIncidentUpdate<I>(
  ctx: TemporalContext,
  key: string,
  definition: UpdateDefinition<IncidentView, [I]>,
  input: I,
  requestKey?: string,
): Promise<IncidentView> {
  return incidentHandle(ctx, key).executeUpdate(definition, { args: [input], ...(requestKey ? { updateId: requestUpdateId(requestKey, definition) } : {}) });
}

/**
 * Queries in flight, per client and incident. During an outage many people ask for the same
 * incident at once; each query costs the workflow a task, so concurrent askers share one answer
 * (no older than the moment the shared query was sent) instead of queueing hundreds of queries.
 */
const viewsInFlight = new WeakMap<Client, Map<string, Promise<IncidentView>>>();

export async function getIncidentView(ctx: TemporalContext, key: string): Promise<IncidentView> {
  let byKey = viewsInFlight.get(ctx.client);
  if (!byKey) viewsInFlight.set(ctx.client, (byKey = new Map()));
  let view = byKey.get(key);
  if (!view) {
    const asked = byKey;
    view = incidentHandle(ctx, key)
      .query(stateQuery)
      .finally(() => asked.delete(key));
    byKey.set(key, view);
  }
  try {
    return await view;
  } catch (err) {
    throw toRefusal(err, key) ?? err;
  }
}

/** Activity failures of a declaration that say what to do next (activities/incidents.ts). */
const DECLARATION_REFUSALS = new Set(['InvalidDeclaration', 'IncidentNumbersTaken']);

/** Turns workflow refusals (validator rejections, unknown incidents) into one sentence for people. */
export function toRefusal(err: unknown, key?: string): CommandRefused | undefined {
  if (err instanceof WorkflowNotFoundError || (isGrpcServiceError(err) && err.code === 5)) {
    return new CommandRefused(`${key ?? 'That incident'} does not exist; \`list\` shows the open incidents.`);
  }
  if (err instanceof WorkflowUpdateFailedError || err instanceof WorkflowFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure && cause.message) return new CommandRefused(cause.message);
    // A declaration's allocation refused for a reason the person (or an operator) must act on.
    const inner = cause instanceof ActivityFailure ? cause.cause : undefined;
    if (inner instanceof ApplicationFailure && inner.message && DECLARATION_REFUSALS.has(inner.type ?? '')) return new CommandRefused(inner.message);
  }
  return undefined;
}
