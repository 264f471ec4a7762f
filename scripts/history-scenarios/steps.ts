// What every recorded scenario shares: the context a scenario runs in, how it saves a history, how
// it waits for a workflow to get somewhere, and an incident declared on payments, waited for until it is in triage.

import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { declareIncident, getIncidentView } from '../../bots/workflow-client.js';
import type { Actor, Severity } from '../../domain/incident.js';

export interface ScenarioContext {
  client: Client;
  taskQueue: string;
}

export type Save = (name: string, workflowId: string) => Promise<void>;

/** A SaaS stand-in running for one recording: the activities that call it, and a check of what it was sent. */
export interface StandIn {
  activities: object;
  verify(): void;
  stop(): Promise<void>;
}

const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`recording gave up waiting for ${what}`);
    await pause(200);
  }
}

export async function declare(ctx: ScenarioContext, title: string, severity: Severity): Promise<string> {
  const { key } = await declareIncident(ctx, { idempotencyKey: `record:${randomUUID()}`, title, severity, services: ['payments'], source: 'slack', reporter: alice });
  await until('triage', async () => (await getIncidentView(ctx, key)).phase === 'triage');
  return key;
}
