import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, like } from 'drizzle-orm';
import { declareIncident, incidentHandle } from '../../bots/workflow-client.js';
import { runCommand } from '../../bots/commands/dispatch.js';
import { timelineEvents } from '../../db/schema/index.js';
import { MAX_RULE_RUNS } from '../../domain/automation/triggers.js';
import type { Actor, Severity } from '../../domain/incident.js';
import * as msg from '../../workflows/incident/messages.js';
import { PAYMENTS_KEY } from '../helpers/paging.js';
import { startRulesEnv, type RulesEnv } from '../helpers/rules.js';
import { eventually } from '../helpers/system.js';

const alice: Actor = { source: 'slack', id: 'U0ALICE', name: 'alice' };

/** A window of four hours around now in UTC: "the night" of this test, wherever the clock is (it may span midnight). */
function windowAroundNow(): { from: string; to: string } {
  const now = new Date();
  const at = (hours: number) => {
    const d = new Date(now.getTime() + hours * 3600_000);
    return `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  };
  return { from: at(-2), to: at(2) };
}

const night = windowAroundNow();

// Each rule picks its incidents by a word in the title, so the tests of this file do not set off each other's rules.
const RULES = `
rules:
  night-sev1:
    when: declared
    if:
      all:
        - severity: [SEV1]
        - timeOfDay: { from: "${night.from}", to: "${night.to}", timeZone: UTC }
        - field: title
          contains: "[night]"
    then:
      - page: { service: payments, reason: SEV1 at night }
      - wait: { delay: 3s }
      - post: { channel: "#ops-night", text: "{incident}: a SEV1 at night, payments paged" }
  loop:
    when: role_assigned
    once: user
    if: { field: title, contains: "[loop]" }
    then:
      - assign_role: { role: scribe, person: bob }
  nowhere:
    when: declared
    if: { field: title, contains: "[nowhere]" }
    then:
      - post: { channel: "#no-such-channel", text: hello }
      - page: { service: payments, reason: never sent }
`;

let env: RulesEnv;

beforeAll(async () => {
  env = await startRulesEnv(RULES);
  await env.slackApi.call('conversations.create', { name: 'ops-night' });
});

afterAll(async () => {
  await env?.stop();
});

async function declare(title: string, severity: Severity): Promise<string> {
  const { key } = await declareIncident(env.system, { idempotencyKey: `rules-test:${randomUUID()}`, title, severity, services: ['payments'], source: 'slack', reporter: alice });
  return key;
}

/** The incident's timeline entries about rule runs, in the order recorded. */
async function ruleEntries(incident: string): Promise<string[]> {
  const rows = await env.system.database.db
    .select({ text: timelineEvents.text })
    .from(timelineEvents)
    .where(and(eq(timelineEvents.incidentKey, incident), like(timelineEvents.text, 'Rule %')))
    .orderBy(asc(timelineEvents.id));
  return rows.map((r) => r.text);
}

/** Pages the rule sent (the declaration's own page has the incident key as its dedup key). */
const rulePages = (incident: string) => env.pd.accepted({ routingKey: PAYMENTS_KEY, action: 'trigger' }).filter((b) => String(b.dedup_key).startsWith(`${incident}:page:`));
const nightPosts = (incident: string) => (env.slack.channelNamed('ops-night')?.messages ?? []).filter((m) => m.text.startsWith(`${incident}:`));

describe('automation rules', () => {
  it('pages and posts once for a SEV1 declared at night, even when the worker stops between the steps', async () => {
    const incident = await declare('Checkout down [night]', 'SEV1');
    await eventually(async () => rulePages(incident).length === 1, 30_000, 'the rule\'s page');
    // Between the page and the post (the run waits 3 s): the worker goes away and a new one takes over.
    await env.restartWorker();
    await eventually(async () => (await ruleEntries(incident)).some((t) => t.startsWith('Rule night-sev1 finished')), 30_000, 'the run to finish');
    expect(rulePages(incident)).toHaveLength(1);
    expect(nightPosts(incident).map((m) => m.text)).toEqual([`${incident}: a SEV1 at night, payments paged`]);
    expect(await ruleEntries(incident)).toEqual([
      'Rule night-sev1 started (when the incident is declared; once per incident).',
      'Rule night-sev1 finished: 3 steps done',
    ]);
    const paged = await env.system.database.db
      .select({ text: timelineEvents.text, actor: timelineEvents.actor })
      .from(timelineEvents)
      .where(and(eq(timelineEvents.incidentKey, incident), like(timelineEvents.text, 'Paged payments%')))
      .orderBy(asc(timelineEvents.id));
    expect(paged).toEqual([{ text: 'Paged payments through PagerDuty: SEV1 at night', actor: { source: 'system', id: 'rule:night-sev1#1', name: 'rule night-sev1' } }]);

    // `rules test` shows what the rule would do now, says it already ran, and does nothing.
    const reply = await runCommand(
      { client: env.system.client, taskQueue: env.system.taskQueue, actor: alice, source: 'slack', incident, idempotencyKey: randomUUID(), policy: env.policy },
      { kind: 'rules-test', rule: 'night-sev1' },
    );
    expect(reply.ok).toBe(true);
    expect(reply.text).toContain(`Rule night-sev1 for ${incident} (a dry run: nothing was done)`);
    expect(reply.text).toContain('✓ severity in SEV1 (is SEV1)');
    expect(reply.text).toContain('1. page payments: SEV1 at night');
    expect(reply.text).toContain(`It already ran for ${incident} in this scope (rule:${incident}:night-sev1:incident: completed)`);
    const unknown = await runCommand(
      { client: env.system.client, taskQueue: env.system.taskQueue, actor: alice, source: 'slack', incident, idempotencyKey: randomUUID(), policy: env.policy },
      { kind: 'rules-test', rule: 'nope' },
    );
    expect(unknown).toEqual({ ok: false, text: 'There is no rule nope in the policy; rules: night-sev1, loop, nowhere.' });
    expect(rulePages(incident)).toHaveLength(1);
    expect(await ruleEntries(incident)).toHaveLength(2);
  });

  it(`stops a rule that sets itself off after ${MAX_RULE_RUNS} runs, with a timeline entry`, async () => {
    const incident = await declare('Refunds stuck [loop]', 'SEV3');
    await incidentHandle(env.system, incident).executeUpdate(msg.assignRoleUpdate, { args: [{ actor: alice, role: 'commander', person: alice }] });
    await eventually(async () => (await ruleEntries(incident)).some((t) => t.startsWith('Rule loop stopped')), 60_000, 'the loop to be stopped');
    // Every run that started finishes; then the timeline holds each run once and the stop once.
    await eventually(async () => (await ruleEntries(incident)).filter((t) => t.startsWith('Rule loop finished')).length === MAX_RULE_RUNS, 60_000, 'the runs to finish');
    const entries = await ruleEntries(incident);
    expect(entries.filter((t) => t.startsWith('Rule loop started'))).toHaveLength(MAX_RULE_RUNS);
    expect(entries.filter((t) => t.startsWith('Rule loop stopped'))).toEqual([
      `Rule loop stopped: it ran ${MAX_RULE_RUNS} times in ${incident}, which looks like a loop; it will not run again in this incident.`,
    ]);
    const view = await incidentHandle(env.system, incident).query(msg.stateQuery);
    expect(view.ruleRuns).toEqual({ loop: MAX_RULE_RUNS });
    expect(view.roles.scribe?.name).toBe('bob');
  });

  it('fails a step naming a channel Slack does not know, clearly, and the incident goes on', async () => {
    const incident = await declare('Search slow [nowhere]', 'SEV3');
    await eventually(async () => (await ruleEntries(incident)).some((t) => t.startsWith('Rule nowhere failed')), 30_000, 'the run to fail');
    expect(await ruleEntries(incident)).toEqual([
      'Rule nowhere started (when the incident is declared; once per incident).',
      'Rule nowhere failed at step 1: step 1 (post in #no-such-channel: "hello") failed: Slack refused the post in #no-such-channel: channel_not_found',
    ]);
    // The step after the failed one never ran, and the incident still takes commands.
    expect(rulePages(incident)).toEqual([]);
    const view = await incidentHandle(env.system, incident).executeUpdate(msg.addNoteUpdate, { args: [{ actor: alice, text: 'still here' }] });
    expect(view.phase).toBe('triage');
  });
});
