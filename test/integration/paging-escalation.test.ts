// Durable ackWithin escalation on a real worker, Temporal and Postgres: a page nobody acknowledges
// escalates to the owning team's manager and then to the fallback (DM, timeline note, webhook
// trigger naming them) and stops; a page acknowledged in time escalates to nobody; a page whose
// escalation is waiting when the worker restarts escalates each level exactly once.

import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runIncidentUpdate } from '../../bots/workflow-client.js';
import { timelineEvents } from '../../db/schema/index.js';
import { pageEscalationWorkflowId, type PageEscalationResult } from '../../domain/paging.js';
import * as msg from '../../workflows/incident/messages.js';
import { declare, sleep, startPagingEnv, type PagingEnv } from '../helpers/paging.js';
import { alice, carol, say } from '../helpers/statuspage.js';
import { eventually } from '../helpers/system.js';

const ACK_WITHIN_SECONDS = 2;

let env: PagingEnv;
beforeAll(async () => {
  env = await startPagingEnv({
    webhook: true,
    policy: (p) => {
      p.paging!.ackWithin = { SEV1: ACK_WITHIN_SECONDS, SEV3: ACK_WITHIN_SECONDS };
      p.paging!.escalation = { fallback: 'carol' };
    },
  });
});
afterAll(async () => {
  await env?.stop();
});

async function escalationNotes(incident: string): Promise<string[]> {
  const rows = await env.system.database.db
    .select({ text: timelineEvents.text })
    .from(timelineEvents)
    .where(and(eq(timelineEvents.incidentKey, incident), eq(timelineEvents.kind, 'note')))
    .orderBy(asc(timelineEvents.id));
  return rows.map((r) => r.text).filter((t) => t.startsWith('Page to '));
}

const dmsFor = (incident: string) => env.dms.filter((n) => n.incident === incident && n.audience.kind === 'person');
const escalationTriggers = (incident: string) => env.hook!.accepted({ incident, action: 'trigger' }).filter((b) => b.target !== undefined);

/** The escalation's own answer, once it has finished. */
async function outcome(dedupKey: string, service: string): Promise<PageEscalationResult> {
  const handle = env.system.client.workflow.getHandle(pageEscalationWorkflowId(dedupKey, service));
  await eventually(async () => (await handle.describe()).status.name !== 'RUNNING', 40_000, 'the escalation to finish');
  return (await handle.result()) as PageEscalationResult;
}

describe('a page nobody acknowledges', () => {
  it("escalates to the owning team's manager, then the fallback, then stops", async () => {
    const key = await declare(env.system, 'SEV1', 'Checkout down, nobody answers');
    expect(await outcome(key, 'payments')).toEqual({ level: 2, escalatedTo: ['alice', 'carol'] });

    expect(dmsFor(key).map((n) => n.audience.kind === 'person' && n.audience.person.slack)).toEqual(['U0ALICE', 'U0CAROL']);
    expect(dmsFor(key)[0]!.text).toBe(`Page to payments for ${key} [SEV1] not acknowledged after ${ACK_WITHIN_SECONDS}s: escalated to alice (manager of payments).`);
    expect(await escalationNotes(key)).toEqual([
      `Page to payments for ${key} [SEV1] not acknowledged after ${ACK_WITHIN_SECONDS}s: escalated to alice (manager of payments).`,
      `Page to payments for ${key} [SEV1] not acknowledged after ${2 * ACK_WITHIN_SECONDS}s: escalated to carol (fallback).`,
    ]);
    expect(escalationTriggers(key).map((b) => [b.dedup_key, b.target])).toEqual([
      [`${key}:escalation:1`, { name: 'alice', level: 1, role: 'manager' }],
      [`${key}:escalation:2`, { name: 'carol', level: 2, role: 'fallback' }],
    ]);

    // Resolving resolves the escalations' alerts with the page's own.
    await runIncidentUpdate(env.system, key, msg.resolveUpdate, { actor: carol, text: 'fixed' });
    await eventually(async () => env.hook!.accepted({ incident: key, action: 'resolve' }).length === 3, 20_000, 'resolves');
  });
});

describe('a page acknowledged in time', () => {
  it('escalates to nobody once a commander took command', async () => {
    const key = await declare(env.system, 'SEV1', 'Checkout slow, carol on it');
    await eventually(async () => env.hook!.accepted({ dedupKey: key, action: 'trigger' }).length === 1, 20_000, 'the page');
    await runIncidentUpdate(env.system, key, msg.acknowledgeUpdate, { actor: carol });
    expect(await outcome(key, 'payments')).toEqual({ level: 0, escalatedTo: [] });
    await sleep(500);
    expect(dmsFor(key)).toEqual([]);
    expect(await escalationNotes(key)).toEqual([]);
    expect(escalationTriggers(key)).toEqual([]);
  });

  it('escalates to nobody once someone was made commander', async () => {
    const key = await declare(env.system, 'SEV1', 'Checkout slow, alice made commander');
    await eventually(async () => env.hook!.accepted({ dedupKey: key, action: 'trigger' }).length === 1, 20_000, 'the page');
    await runIncidentUpdate(env.system, key, msg.assignRoleUpdate, { actor: carol, role: 'commander', person: alice });
    expect(await outcome(key, 'payments')).toEqual({ level: 0, escalatedTo: [] });
    expect(dmsFor(key)).toEqual([]);
  });
});

describe('a page whose escalation waits across a worker restart', () => {
  it('escalates `page @team` once per level', async () => {
    const key = await declare(env.system, 'SEV3', 'Refund emails bounce', ['search']);
    expect(await say(env.system, key, alice, 'page @payments refunds bouncing')).toMatchObject({ ok: true, text: `Paging team payments (payments) for ${key}.` });
    const dedupKey = await eventually(async () => env.hook!.accepted({ incident: key, action: 'trigger' })[0]?.dedup_key as string | undefined, 20_000, 'the page');
    const handle = env.system.client.workflow.getHandle(pageEscalationWorkflowId(dedupKey, 'payments'));
    await eventually(async () => (await handle.describe()).status.name === 'RUNNING', 20_000, 'the escalation to start');

    await env.restartWorker();

    expect(await outcome(dedupKey, 'payments')).toEqual({ level: 2, escalatedTo: ['alice', 'carol'] });
    await sleep(1000);
    expect(dmsFor(key).map((n) => n.key)).toEqual([`page-escalation:${dedupKey}:payments:1`, `page-escalation:${dedupKey}:payments:2`]);
    expect(await escalationNotes(key)).toHaveLength(2);
    expect(escalationTriggers(key).map((b) => b.dedup_key)).toEqual([`${dedupKey}:escalation:1`, `${dedupKey}:escalation:2`]);
  });
});
