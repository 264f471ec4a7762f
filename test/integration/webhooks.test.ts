// Outbound webhooks end to end on a real worker, Temporal and Postgres, with the subscribers a real
// HTTP receiver in this test that checks each signature: an event answered 500, 500 is delivered
// once on the third try; a 410 is tried once and recorded failed; a private incident reaches only
// the private subscriber (also when a rule names another); and after a subscriber was down, `firebreak
// webhooks replay` (the real CLI) sends its failed events again with their original IDs and bodies.

import { randomBytes, randomUUID } from 'node:crypto';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createRecordingAccessNotifier } from '../../activities/access/notifier.js';
import { createWebhookActivities, createWebhookNotifier } from '../../activities/webhooks/index.js';
import { declareIncident, runIncidentUpdate } from '../../bots/workflow-client.js';
import type { DeclareIncidentInput } from '../../workflows/declare/messages.js';
import { connectDatabase, type DatabaseHandle } from '../../db/client.js';
import { webhookDeliveries } from '../../db/schema/index.js';
import type { Severity } from '../../domain/incident.js';
import { createRedactor } from '../../domain/redact.js';
import { WEBHOOK_DELIVERY_WORKFLOW, webhookDeliveryWorkflowId, type WebhookEventInput } from '../../domain/webhooks.js';
import * as msg from '../../workflows/incident/messages.js';
import type { WebhookDeliveryResult } from '../../workflows/webhooks/messages.js';
import { requestAccess } from '../helpers/access.js';
import { cliEnv, runCli } from '../helpers/run-cli.js';
import { alice, carol } from '../helpers/statuspage.js';
import { eventually, loadTestPolicy, startTestSystem, type TestSystem } from '../helpers/system.js';
import { testLogger } from '../helpers/test-log.js';
import { startWebhookReceiver, verifyBodySignature, type WebhookReceiver } from '../standins/webhook-receiver.js';

const SUBSCRIBERS = { flaky: ['incident.severity'], refuser: ['incident.note'], siem: ['incident.*'], warehouse: ['incident.*'], sink: ['incident.status-update'], audit: ['grant.*'] } as const;
type Subscriber = keyof typeof SUBSCRIBERS;

let receiver: WebhookReceiver;
let system: TestSystem;
let database: DatabaseHandle;
const access = createRecordingAccessNotifier('webhooks-test');

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  const policy = loadTestPolicy();
  const env: Record<string, string> = {};
  policy.webhooks = {
    subscribers: Object.fromEntries(
      Object.entries(SUBSCRIBERS).map(([name, events]) => {
        env[`E2E_WEBHOOK_${name.toUpperCase()}_URL`] = receiver.url(name);
        env[`E2E_WEBHOOK_${name.toUpperCase()}_SECRET`] = receiver.secret(name);
        return [name, { urlEnv: `E2E_WEBHOOK_${name.toUpperCase()}_URL`, secretEnv: `E2E_WEBHOOK_${name.toUpperCase()}_SECRET`, events: [...events], private: name === 'siem' }];
      }),
    ),
    // Three tries a second apart: enough for 500, 500, 200, and a short wait for a subscriber that is down.
    retry: { attempts: 3, firstWaitSeconds: 1, maxWaitSeconds: 1 },
  };
  database = connectDatabase(inject('databaseUrl'));
  const logger = testLogger();
  const redactor = createRedactor({ extraPatterns: policy.redaction.patterns });
  system = await startTestSystem({
    policy,
    logger,
    notifiers: [createWebhookNotifier({ db: database.db, policy: () => policy, logger })],
    // Grants of token capabilities, their credentials kept by a recorder: the grant feed's events.
    accessNotifiers: [access],
    access: { tokenKey: randomBytes(32) },
    activities: createWebhookActivities({ db: database.db, policy: () => policy, redactor, logger, webhookEnv: env }),
  });
});

afterAll(async () => {
  await system?.stop();
  await database?.close();
  await receiver?.stop();
});

// SEV3 and SEV4 page nobody, so no paging note reaches the note subscribers.
async function declare(title: string, severity: Severity = 'SEV4', extra: Partial<DeclareIncidentInput> & { private?: boolean } = {}): Promise<string> {
  const input = { idempotencyKey: `webhooks-test:${randomUUID()}`, title, severity, services: ['payments'], source: 'slack', reporter: alice, ...extra } as DeclareIncidentInput;
  return (await declareIncident(system, input)).key;
}

const rows = (incident: string, subscriber?: Subscriber) =>
  database.db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.incidentKey, incident), ...(subscriber ? [eq(webhookDeliveries.subscriber, subscriber)] : [])))
    .orderBy(asc(webhookDeliveries.occurredAt), asc(webhookDeliveries.id));

/** The delivery workflow's answer: once it has one, no further try of that event can happen. */
const deliveryOf = (eventId: string) => system.client.workflow.getHandle(webhookDeliveryWorkflowId(eventId)).result() as Promise<WebhookDeliveryResult>;

async function rowsOnce(incident: string, subscriber: Subscriber, count: number, what: string) {
  return eventually(async () => {
    const found = await rows(incident, subscriber);
    return found.length >= count ? found : undefined;
  }, 30_000, what);
}

describe('outbound webhooks', () => {
  it('delivers an event once to a subscriber that answered 500 twice, signed, with the same event ID each time', async () => {
    receiver.answerNext('flaky', [500, 500]);
    const key = await declare('Checkout slow for some customers');
    await runIncidentUpdate(system, key, msg.setSeverityUpdate, { actor: carol, severity: 'SEV3', reason: 'jane.doe@example.com cannot pay' });
    const [row] = await rowsOnce(key, 'flaky', 1, 'the severity event recorded for flaky');
    expect(await deliveryOf(row!.eventId)).toEqual({ delivered: true });

    const calls = receiver.callsFor(row!.eventId, 'flaky');
    expect(calls.map((c) => c.status)).toEqual([500, 500, 200]);
    for (const call of calls) {
      expect(verifyBodySignature(receiver.secret('flaky'), call.raw, call.headers['x-firebreak-signature'] as string)).toBe(true);
      expect(call.headers['x-firebreak-timestamp']).toMatch(/^\d{10}$/);
      expect(call.raw).toBe(calls[0]!.raw);
    }
    expect(calls[0]!.body).toEqual({
      id: row!.eventId,
      type: 'incident.severity',
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      incident: key,
      data: expect.objectContaining({ kind: 'severity', incident: expect.objectContaining({ key, severity: 'SEV3' }) }),
    });
    // Redacted with the incident's own tokens, like every other path out.
    expect(calls[0]!.raw).not.toContain('jane.doe@example.com');
    expect(calls[0]!.raw).toMatch(/\[REDACTED:email#[0-9a-f]+\]/);
    const [after] = await rows(key, 'flaky');
    expect(after).toMatchObject({ status: 'delivered', attempts: 3, lastError: null, type: 'incident.severity' });
    expect(after!.deliveredAt).toBeInstanceOf(Date);
  });

  it('tries a subscriber that answers 410 once and records the event failed', async () => {
    receiver.refuse('refuser', 410);
    const key = await declare('Refunds duplicated');
    await runIncidentUpdate(system, key, msg.addNoteUpdate, { actor: alice, text: 'Looking at the ledger' });
    const [row] = await rowsOnce(key, 'refuser', 1, 'the note event recorded for refuser');
    expect(await deliveryOf(row!.eventId)).toEqual({ delivered: false, error: expect.stringContaining('answered 410') });
    expect(receiver.callsFor(row!.eventId, 'refuser').map((c) => c.status)).toEqual([410]);
    const [after] = await rows(key, 'refuser');
    expect(after).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('answered 410'), deliveredAt: null });
  });

  it('sends a private incident only to the private subscriber, also when a rule names another', async () => {
    const key = await declare('Customer data exposed', 'SEV4', { private: true });
    await runIncidentUpdate(system, key, msg.addNoteUpdate, { actor: alice, text: 'Scoping the exposure' });
    const found = await eventually(async () => {
      const r = await rows(key);
      return r.some((x) => x.type === 'incident.note') ? r : undefined;
    }, 30_000, 'the private note event recorded for siem');
    // Every event of the private incident is settled: no try to anyone is left.
    for (const eventId of new Set(found.map((r) => r.eventId))) expect(await deliveryOf(eventId)).toEqual({ delivered: true });
    expect(new Set((await rows(key)).map((r) => r.subscriber))).toEqual(new Set(['siem']));
    const sent = receiver.calls.filter((c) => c.body?.incident === key);
    expect(sent.length).toBeGreaterThan(0);
    expect(new Set(sent.map((c) => c.subscriber))).toEqual(new Set(['siem']));

    // An automation rule's webhook step names its subscriber and says nothing of privacy.
    const ruleEvent: WebhookEventInput = { eventId: `rule-test:${randomUUID()}`, type: 'rule.webhook', incident: key, subscriber: 'warehouse', data: { rule: 'exposure' } };
    const result = await system.client.workflow.execute(WEBHOOK_DELIVERY_WORKFLOW, { workflowId: webhookDeliveryWorkflowId(ruleEvent.eventId), taskQueue: system.taskQueue, args: [ruleEvent] });
    expect(result).toEqual({ delivered: true });
    expect(await database.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventId, ruleEvent.eventId))).toEqual([]);
    expect(receiver.callsFor(ruleEvent.eventId)).toEqual([]);

    // The same incident made public reaches the other subscribers.
    const open = await declare('Checkout banner misspelt');
    await runIncidentUpdate(system, open, msg.addNoteUpdate, { actor: alice, text: 'Typo' });
    const openRows = await eventually(async () => {
      const r = await rows(open);
      return r.some((x) => x.subscriber === 'warehouse') && r.some((x) => x.subscriber === 'siem') ? r : undefined;
    }, 30_000, 'the public incident for both');
    expect(openRows.length).toBeGreaterThan(1);
  });

  it('replays the events of a subscriber that was down with their original IDs and bodies, once', async () => {
    receiver.down('sink');
    const key = await declare('Search results stale');
    await runIncidentUpdate(system, key, msg.postStatusUpdate, { actor: alice, text: 'Investigating stale results' });
    await runIncidentUpdate(system, key, msg.postStatusUpdate, { actor: alice, text: 'Reindexing' });
    const failed = await rowsOnce(key, 'sink', 2, 'both status updates recorded for sink');
    for (const row of failed) expect(await deliveryOf(row.eventId)).toEqual({ delivered: false, error: expect.stringContaining('Gave up') });
    const before = await rows(key, 'sink');
    expect(before.map((r) => [r.status, r.attempts])).toEqual([
      ['failed', 3],
      ['failed', 3],
    ]);
    for (const row of before) expect(receiver.callsFor(row.eventId, 'sink').map((c) => c.status)).toEqual([503, 503, 503]);

    receiver.up('sink');
    const replay = await runCli(['webhooks', 'replay', 'sink'], cliEnv(system));
    expect(replay).toMatchObject({ code: 0, stdout: 'Replayed 2 of 2 events to sink, with their original event IDs.\n' });
    for (const row of before) {
      const calls = receiver.callsFor(row.eventId, 'sink');
      expect(calls.map((c) => c.status)).toEqual([503, 503, 503, 200]);
      expect(calls[3]!.raw).toBe(calls[0]!.raw);
      expect(calls[3]!.headers['x-firebreak-event-id']).toBe(row.eventId);
    }
    expect((await rows(key, 'sink')).map((r) => r.status)).toEqual(['delivered', 'delivered']);

    // Nothing is left to send: a second replay sends nothing.
    const count = receiver.calls.length;
    const again = await runCli(['webhooks', 'replay', 'sink'], cliEnv(system));
    expect(again).toMatchObject({ code: 0, stdout: 'Nothing to replay to sink: every event was delivered.\n' });
    expect(receiver.calls.filter((c) => c.subscriber === 'sink').length).toBe(before.length * 4);
    expect(receiver.calls.length).toBeGreaterThanOrEqual(count);

    // --since asks for every event since then, delivered ones too: the same IDs and bodies again.
    const since = await runCli(['webhooks', 'replay', 'sink', '--since', '1h'], cliEnv(system));
    expect(since).toMatchObject({ code: 0, stdout: 'Replayed 2 of 2 events to sink, with their original event IDs.\n' });
    for (const row of before) {
      const calls = receiver.callsFor(row.eventId, 'sink');
      expect(calls.map((c) => c.status)).toEqual([503, 503, 503, 200, 200]);
      expect(calls[4]!.raw).toBe(calls[0]!.raw);
    }
  });

  it("sends a grant's transitions to the grant subscriber, never its credentials", async () => {
    const key = await declare('Payments API errors');
    const { grant } = await requestAccess(system, key, alice, ['read-logs'], 30);
    const found = await eventually(async () => {
      const r = await rows(key, 'audit');
      return r.some((x) => x.type === 'grant.activate') ? r : undefined;
    }, 30_000, 'the grant events recorded for audit');
    expect(found.map((r) => r.type).slice(0, 2)).toEqual(['grant.request', 'grant.activate']);
    for (const row of found) expect(await deliveryOf(row.eventId)).toEqual({ delivered: true });
    const bodies = found.map((r) => receiver.callsFor(r.eventId, 'audit').at(-1)!.body!);
    expect(bodies[0]).toMatchObject({ id: `${grant}:0`, type: 'grant.request', incident: key, data: { subject: grant, action: 'access.request', status: 'pending' } });
    const secrets = access.notices.flatMap((n) => (n.kind === 'credentials' ? Object.values(n.secret ?? {}) : []));
    expect(secrets.length).toBeGreaterThan(0);
    for (const call of receiver.calls) for (const secret of secrets) expect(call.raw).not.toContain(secret);
  });

  it('refuses a replay for someone in no team, and for a subscriber the policy does not name', async () => {
    const guest = await runCli(['webhooks', 'replay', 'sink'], { ...cliEnv(system), FIREBREAK_USER: 'mallory' });
    expect(guest).toMatchObject({ code: 1, stderr: expect.stringMatching(/^cli:mallory is not in any team of the policy, so Firebreak does not let them replay outbound webhooks/) });
    const unknown = await runCli(['webhooks', 'replay', 'nobody'], cliEnv(system));
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining('There is no webhook subscriber "nobody"') });
  });
});
