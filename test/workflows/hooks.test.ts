import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { and, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentNotice } from '../../workflows/incident/messages.js';
import { declareIncident, getIncidentView, runIncidentUpdate } from '../../bots/workflow-client.js';
import { processedRequests, timelineEvents } from '../../db/schema/index.js';
import type { Actor } from '../../domain/incident.js';
import * as msg from '../../workflows/incident/messages.js';
import { eventually, startTestSystem, type TestSystem } from '../helpers/system.js';

const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };
const flakyDeliveries: IncidentNotice[] = [];
const steadyDeliveries: IncidentNotice[] = [];
let failNextFlaky = 0;

let system: TestSystem;
beforeAll(async () => {
  system = await startTestSystem({
    notifiers: [
      {
        name: 'steady',
        notify: async (notice) => void steadyDeliveries.push(notice),
      },
      {
        name: 'flaky',
        notify: async (notice) => {
          if (failNextFlaky > 0) {
            failNextFlaky--;
            // As a rate-limited API would: retry after a short, server-given delay.
            throw ApplicationFailure.create({ message: 'ratelimited', type: 'RateLimited', nextRetryDelay: '200ms' });
          }
          flakyDeliveries.push(notice);
        },
      },
    ],
    triageSources: [{ name: 'deploys', gather: async (input) => ({ lines: [`payments deployed v1.2.3 at ${input.declaredAt.slice(11, 16)}`], details: { sha: 'abc123' } }) }],
  });
});
afterAll(async () => {
  await system?.stop();
});

async function declare(services = ['payments']) {
  return declareIncident(system, {
    idempotencyKey: `test:${randomUUID()}`,
    title: 'Payments errors',
    severity: 'SEV3',
    services,
    source: 'slack',
    reporter: alice,
  });
}

describe('integration hooks of the incident workflow', () => {
  it('adds triage context from every source, including similar open incidents', async () => {
    const first = await declare();
    const second = await declare();
    const entry = await eventually(async () => (await getIncidentView(system, second.key)).timeline.find((e) => e.kind === 'context'), 10_000, 'context');
    expect(entry.text).toContain('payments deployed v1.2.3');
    // Other test files declare payments incidents too; the most recent ones are listed, ours among them.
    expect(entry.text).toMatch(new RegExp(`${first.key} \\(SEV3, [a-z]+\\) Payments errors`));
    const [row] = await system.database.db.select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, second.key), eq(timelineEvents.kind, 'context')));
    expect(row!.details).toMatchObject({ deploys: { sha: 'abc123' }, 'similar-incidents': { similar: expect.arrayContaining([first.key]) } });
  });

  it('pins a message once, however often it is delivered, and unpins it', async () => {
    const { key } = await declare(['search']);
    const pin = { actor: alice, ref: 'slack:C1/1700000000.000100', text: 'p99 at 4s, mail sre@example.com', at: new Date().toISOString() };
    await runIncidentUpdate(system, key, msg.pinMessageUpdate, pin);
    const view = await runIncidentUpdate(system, key, msg.pinMessageUpdate, pin);
    expect(view.timeline.filter((e) => e.kind === 'pinned')).toEqual([
      expect.objectContaining({ ref: pin.ref, text: expect.stringMatching(/^p99 at 4s, mail \[REDACTED:email#[0-9a-f]{8}\]$/) }),
    ]);
    const pinnedRows = () => system.database.db.select().from(timelineEvents).where(and(eq(timelineEvents.incidentKey, key), eq(timelineEvents.kind, 'pinned')));
    expect(await pinnedRows()).toHaveLength(1);
    const after = await runIncidentUpdate(system, key, msg.unpinMessageUpdate, { actor: alice, ref: pin.ref });
    expect(after.timeline.some((e) => e.kind === 'pinned')).toBe(false);
    expect(await pinnedRows()).toHaveLength(0);
  });

  it('retries a rate-limited integration without repeating deliveries that already succeeded', async () => {
    const { key } = await declare(['search']);
    await eventually(async () => flakyDeliveries.some((n) => n.incident === key), 10_000, 'first delivery');
    failNextFlaky = 2;
    await runIncidentUpdate(system, key, msg.addNoteUpdate, { actor: alice, text: 'retry me' });
    const delivered = await eventually(async () => flakyDeliveries.find((n) => n.incident === key && n.text === 'retry me'), 10_000, 'retried delivery');
    expect(delivered.kind).toBe('note');
    expect(steadyDeliveries.filter((n) => n.incident === key && n.text === 'retry me')).toHaveLength(1);
    const remembered = await system.database.db.select().from(processedRequests).where(like(processedRequests.key, `notify:%:${delivered.eventKey}`));
    expect(remembered.map((r) => r.key).sort()).toEqual([`notify:flaky:${delivered.eventKey}`, `notify:steady:${delivered.eventKey}`, `notify:test-recorder:${delivered.eventKey}`]);
  });
});
